/**
 * Staleness across rounds: the checker types the text as it was at the start of the round, so
 * an operand that reads a declaration this round rewrites (`const d = a * b`, a `number` until
 * it becomes `a.mul(b)`) has a type that is out of date. Its operator waits for the next round.
 */
import type * as ts from 'typescript';
import { inferredRole, plannedRole, remembered } from './roles';
import { skipParentheses, type RewriteState, type TypeScript } from './state';

/**
 * True when the checker's type for the expression is out of date: it reads a variable or
 * calls a function whose own text is being rewritten in this round. Such operators wait for
 * the next round.
 */
export function isStale(s: RewriteState, expression: ts.Expression): boolean {
  const { tsi } = s;
  const { plans, deferred } = s.planning;
  const inner = skipParentheses(tsi, expression);
  if (deferred.has(inner)) return true;
  if (plannedRole(s, inner) ?? inferredRole(s, inner)) return false;
  // `h.tanh()` is as out of date as `h` is, and `(a * b).tanh()` as `a * b`: walk the access
  // chain down to its root.
  for (let link: ts.Expression = inner; ;) {
    if (link !== inner && (plans.has(link) || deferred.has(link))) return true;
    const name = tsi.isPropertyAccessExpression(link) ? link.name : link;
    if (
      (tsi.isIdentifier(name) || tsi.isPrivateIdentifier(name)) &&
      rewrittenDeclarationOf(s, name)
    )
      return true;
    if (
      tsi.isPropertyAccessExpression(link) ||
      tsi.isElementAccessExpression(link) ||
      tsi.isCallExpression(link) ||
      tsi.isNonNullExpression(link) ||
      tsi.isParenthesizedExpression(link)
    ) {
      link = link.expression;
    } else {
      return false;
    }
  }
}

/**
 * Where a name is declared (through any import of it), if this round's rewriting changes the
 * declaration's inferred type; else undefined.
 */
export function rewrittenDeclarationOf(
  s: RewriteState,
  name: ts.Identifier | ts.PrivateIdentifier,
): ts.Declaration | undefined {
  const { tsi, checker } = s;
  // Finding what `o.p` names means typing `o`, which costs as much as checking it. Only a
  // declaration in this file or in a file rewritten this round can have a rewritten type, so a
  // name that none of them declares needs no looking up.
  const candidates = [s.sourceFile, ...(s.options.rewrittenThisRound?.values() ?? [])];
  if (candidates.every((file) => declaredNames(tsi, file)?.has(name.text) === false))
    return undefined;
  const symbol = checker.getSymbolAtLocation(name);
  if (!symbol) return undefined;
  const target = symbol.flags & tsi.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const declaration = target.valueDeclaration;
  return declaration && typedByRewrite(s, declaration) ? declaration : undefined;
}

/** True for a declaration without a type of its own whose inferred type this round rewrites. */
function typedByRewrite(s: RewriteState, declaration: ts.Declaration): boolean {
  return remembered(s, s.staleness, declaration, () => computeTypedByRewrite(s, declaration));
}

function computeTypedByRewrite(s: RewriteState, declaration: ts.Declaration): boolean {
  if ((declaration as { type?: ts.TypeNode }).type) return false;
  const file = declaration.getSourceFile();
  if (file !== s.sourceFile) return s.options.rewrittenThisRound?.has(file.fileName) ?? false;
  if (s.planning.containsChange.has(declaration)) return true;
  // `let total = k`, where k's type is about to change, changes with it.
  const initializer = (declaration as { initializer?: ts.Expression }).initializer;
  if (!initializer || s.visiting.has(declaration)) return false;
  s.visiting.add(declaration);
  try {
    const inner = skipParentheses(s.tsi, initializer);
    return (plannedRole(s, inner) ?? inferredRole(s, inner)) !== undefined || isStale(s, inner);
  } finally {
    s.visiting.delete(declaration);
  }
}

/** Leaves an operator for the next round: what contains it changes type then. */
export function defer(s: RewriteState, node: ts.Node): undefined {
  s.planning.deferred.add(node);
  markChange(s, node);
  return undefined;
}

export function markChange(s: RewriteState, node: ts.Node): void {
  const { containsChange } = s.planning;
  for (let n: ts.Node | undefined = node; n && !containsChange.has(n); n = n.parent)
    containsChange.add(n);
}

const declaredNamesOfFile = new WeakMap<ts.SourceFile, ReadonlySet<string> | undefined>();

/**
 * Every name something is declared under in a file (variables, functions, parameters, members,
 * object literal properties, and `this.p = …` or `exports.p = …` in JavaScript), and some more;
 * undefined when a computed name such as `[key]` makes the list unknowable.
 */
function declaredNames(
  tsi: TypeScript,
  sourceFile: ts.SourceFile,
): ReadonlySet<string> | undefined {
  if (declaredNamesOfFile.has(sourceFile)) return declaredNamesOfFile.get(sourceFile);
  const names = new Set<string>();
  let computed = false;
  const visit = (node: ts.Node): void => {
    const name = (node as { name?: ts.Node }).name;
    if (name && !tsi.isPropertyAccessExpression(node)) {
      if (tsi.isComputedPropertyName(name) && !tsi.isStringLiteralLike(name.expression))
        computed = true;
      const text = tsi.isComputedPropertyName(name) ? name.expression : name;
      if (
        tsi.isIdentifier(text) ||
        tsi.isPrivateIdentifier(text) ||
        tsi.isStringLiteralLike(text) ||
        tsi.isNumericLiteral(text)
      )
        names.add(text.text);
    }
    if (tsi.isBinaryExpression(node) && node.operatorToken.kind === tsi.SyntaxKind.EqualsToken) {
      const target = node.left;
      if (tsi.isPropertyAccessExpression(target)) names.add(target.name.text);
      if (
        tsi.isElementAccessExpression(target) &&
        tsi.isStringLiteralLike(target.argumentExpression)
      )
        names.add(target.argumentExpression.text);
    }
    tsi.forEachChild(node, visit);
  };
  visit(sourceFile);
  const result = computed ? undefined : names;
  declaredNamesOfFile.set(sourceFile, result);
  return result;
}
