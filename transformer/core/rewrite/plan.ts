/**
 * Planning: decides, bottom-up, what each operator becomes (a method call, a reversed method
 * call, a runtime helper, a comparison of `.data`), leaves for the next round the operators whose
 * operands' types are out of date, and reports operators that have no meaning on a Value.
 */
import type * as ts from 'typescript';
import { operandProblems, type OperandFacts } from '../diagnostics';
import { isStringLike, roleOf, roleOfType, typeOf } from './roles';
import { defer, isStale, markChange } from './staleness';
import {
  isLiteral,
  RUNTIME_NAMESPACE,
  skipParentheses,
  type Form,
  type Method,
  type Plan,
  type RewriteState,
  type Role,
  type TypeScript,
} from './state';

export function plan(s: RewriteState, node: ts.Node): void {
  s.tsi.forEachChild(node, (child) => plan(s, child));
  const planning = s.planning;
  planning.plannedUpTo = node.pos;
  const decided = decide(s, node);
  if (!decided) return;
  planning.plans.set(node, decided);
  for (let n: ts.Node | undefined = node; n && !planning.containsPlan.has(n); n = n.parent)
    planning.containsPlan.add(n);
  markChange(s, node);
  if (decided.kind !== 'settle') record(s, node as ts.BinaryExpression | ts.PrefixUnaryExpression);
}

/** True when a plan calls a runtime helper, so the file needs the runtime imported. */
export function callsRuntime(plan: Plan): boolean {
  switch (plan.kind) {
    case 'binary':
    case 'assign':
      return plan.form === 'helper';
    case 'negate':
      return plan.role === 'maybe';
    case 'compare':
      return plan.left === 'maybe' || plan.right === 'maybe';
    case 'settle':
      return false;
  }
}

/** True when the file imports a class whose instances are Values (`import { Value } from …`). */
export function importsValueClass(s: RewriteState): boolean {
  const { tsi, checker } = s;
  return s.sourceFile.statements.some((statement) => {
    if (!tsi.isImportDeclaration(statement)) return false;
    const bindings = statement.importClause?.namedBindings;
    const names = !bindings
      ? []
      : tsi.isNamespaceImport(bindings)
        ? checker.getExportsOfModule(
            checker.getAliasedSymbol(checker.getSymbolAtLocation(bindings.name)!),
          )
        : bindings.elements.map((e) => checker.getSymbolAtLocation(e.name)!);
    return names.some((symbol) => {
      const target =
        symbol.flags & tsi.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      if (!(target.flags & tsi.SymbolFlags.Class)) return false;
      return roleOfType(s, checker.getDeclaredTypeOfSymbol(target)) === 'value';
    });
  });
}

/** Keeps what tsc would say about the operator's operands, should the rewritten call be refused. */
function record(s: RewriteState, node: ts.BinaryExpression | ts.PrefixUnaryExpression): void {
  const { tsi, sourceFile } = s;
  const span = (n: ts.Node) => ({ start: n.getStart(sourceFile), end: n.end });
  const binary = tsi.isBinaryExpression(node);
  const facts: OperandFacts = {
    typeOf: (expression) => typeOf(s, skipParentheses(tsi, expression)),
    isArithmetic: (expression) =>
      s.planning.arithmeticOperands.has(skipParentheses(tsi, expression)),
    isValueOrNumber: (type) =>
      (type.isUnion() ? type.types : [type]).every(
        (t) =>
          (t.flags & (tsi.TypeFlags.NumberLike | tsi.TypeFlags.BigIntLike)) !== 0 ||
          roleOfType(s, t) === 'value',
      ),
  };
  s.planning.operators.push({
    operator: binary ? node.operatorToken.getText(sourceFile) : '-',
    expression: span(node),
    token: binary
      ? span(node.operatorToken)
      : { start: span(node).start, end: span(node).start + 1 },
    operands: binary ? [span(node.left), span(node.right)] : [span(node.operand)],
    problems: operandProblems(tsi, s.checker, sourceFile, node, facts),
  });
}

function decide(s: RewriteState, node: ts.Node): Plan | undefined {
  const { tsi } = s;
  if (spansSyntaxError(s, node)) return undefined;
  if (tsi.isBinaryExpression(node)) return decideBinary(s, node);
  if (tsi.isPrefixUnaryExpression(node) || tsi.isPostfixUnaryExpression(node))
    return decideUnary(s, node);
  if (s.runtimeImport && tsi.isCallExpression(node)) return decideHelperCall(s, node);
  return undefined;
}

function spansSyntaxError(s: RewriteState, node: ts.Node): boolean {
  const errorsAt = s.options.syntaxErrors;
  if (!errorsAt || errorsAt.length === 0) return false;
  const start = node.getStart(s.sourceFile);
  return errorsAt.some((at) => start <= at && at <= node.end);
}

/**
 * An earlier round chose a helper because an operand's type was not known yet (it came from
 * a file or a declaration rewritten in the same round). Where the operands are known now,
 * the call becomes the method call it would have been.
 */
function decideHelperCall(s: RewriteState, node: ts.CallExpression): Plan | undefined {
  const { tsi } = s;
  const callee = node.expression;
  if (
    !tsi.isPropertyAccessExpression(callee) ||
    !tsi.isIdentifier(callee.expression) ||
    callee.expression.text !== RUNTIME_NAMESPACE
  )
    return undefined;
  s.planning.helperCalls.push(node);
  const method = callee.name.text;
  const operands = node.arguments;
  if (operands.some((operand) => isStale(s, operand))) return defer(s, node);
  const operandRoles = operands.map((operand) => roleOf(s, operand));
  if ((method === 'neg' || method === 'data') && operands.length === 1) {
    return operandRoles[0] === 'value' ? { kind: 'settle', method, form: 'method' } : undefined;
  }
  if (!isMethod(method) || operands.length !== 2) return undefined;
  const form = formFor(s, operandRoles[0], operandRoles[1], operands[0], operands[1]);
  return form === 'helper' ? undefined : { kind: 'settle', method, form };
}

function isMethod(name: string): name is Method {
  return ['add', 'sub', 'mul', 'div', 'pow'].includes(name);
}

function decideBinary(s: RewriteState, node: ts.BinaryExpression): Plan | undefined {
  const { arithmetic, compound, comparison, unsupportedBinary } = s.operators;
  const operator = node.operatorToken.kind;
  const method = arithmetic.get(operator) ?? compound.get(operator);
  if (!method && !comparison.has(operator) && !unsupportedBinary.has(operator)) return undefined;
  if (isStale(s, node.left) || isStale(s, node.right)) return defer(s, node);
  if (unsupportedBinary.has(operator)) {
    const typed = [node.left, node.right].some((side) => roleOf(s, side, 'plain') !== 'plain');
    return typed ? reportUnsupported(s, node.operatorToken, node) : undefined;
  }
  const left = roleOf(s, node.left);
  const right = roleOf(s, node.right);
  if (left === 'plain' && right === 'plain') return undefined;
  if (comparison.has(operator)) return { kind: 'compare', left, right };
  // A Value is no string: only the other operand of `+` can make it a concatenation.
  const concatenates =
    method === 'add' &&
    ((left !== 'value' && isStringLike(s, node.left)) ||
      (right !== 'value' && isStringLike(s, node.right)));
  if (concatenates) return undefined;
  const role: Role = left === 'value' || right === 'value' ? 'value' : 'maybe';
  const form = formFor(s, left, right, node.left, node.right);
  return compound.has(operator)
    ? { kind: 'assign', method: method!, role, form }
    : { kind: 'binary', method: method!, role, form };
}

function decideUnary(
  s: RewriteState,
  node: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression,
): Plan | undefined {
  const { tsi } = s;
  if (isStale(s, node.operand)) return defer(s, node);
  if (node.operator === tsi.SyntaxKind.MinusToken && tsi.isPrefixUnaryExpression(node)) {
    const role = roleOf(s, node.operand);
    return role === 'plain' ? undefined : { kind: 'negate', role };
  }
  if (
    s.operators.unsupportedUnary.has(node.operator) &&
    roleOf(s, node.operand, 'plain') !== 'plain'
  )
    return reportUnsupported(s, node, node);
  return undefined;
}

function formFor(
  s: RewriteState,
  left: Role,
  right: Role,
  leftNode: ts.Expression,
  rightNode: ts.Expression,
): Form {
  if (left === 'value') return 'method';
  if (left === 'plain' && right === 'value' && reverseKeepsOrder(s, leftNode, rightNode))
    return 'reverse';
  return 'helper';
}

/**
 * `2 - x` becomes `x.rsub(2)`, which evaluates x before 2. That is unobservable only when the
 * left side is a literal, or a name no evaluation can rebind (`const`, an import), or when both
 * sides are plain names or literals. Anything else may run code (a getter behind `o.p`, a call,
 * `i++` in an index) that reads or changes what the other side reads, so it goes through the
 * helper, `__gradscript.sub(left, right)`, which evaluates left to right as JavaScript does.
 */
function reverseKeepsOrder(s: RewriteState, left: ts.Expression, right: ts.Expression): boolean {
  const inner = skipParentheses(s.tsi, left);
  return (
    isLiteral(s.tsi, inner) ||
    isConstantName(s, inner) ||
    (isInert(s.tsi, inner) && isInert(s.tsi, right))
  );
}

/** A name whose binding nothing can change: a `const`, or an import. */
function isConstantName(s: RewriteState, node: ts.Expression): boolean {
  const { tsi } = s;
  if (!tsi.isIdentifier(node)) return false;
  const declaration = s.checker.getSymbolAtLocation(node)?.declarations?.[0];
  if (!declaration) return false;
  if (tsi.isImportSpecifier(declaration) || tsi.isImportClause(declaration)) return true;
  return (
    tsi.isVariableDeclaration(declaration) &&
    tsi.isVariableDeclarationList(declaration.parent) &&
    (declaration.parent.flags & tsi.NodeFlags.Const) !== 0
  );
}

/** Names, `this` and literals: reading them runs no code (a property may be a getter). */
function isInert(tsi: TypeScript, node: ts.Expression): boolean {
  const inner = skipParentheses(tsi, node);
  return (
    tsi.isIdentifier(inner) || inner.kind === tsi.SyntaxKind.ThisKeyword || isLiteral(tsi, inner)
  );
}

function reportUnsupported(s: RewriteState, token: ts.Node, expression: ts.Expression): undefined {
  const { tsi, sourceFile } = s;
  const operator =
    tsi.isPrefixUnaryExpression(token) || tsi.isPostfixUnaryExpression(token)
      ? tsi.tokenToString(token.operator)!
      : token.getText(sourceFile);
  const start = token.getStart(sourceFile);
  s.planning.errors.push({
    start,
    length: token.end - start,
    operator,
    expression: { start: expression.getStart(sourceFile), end: expression.end },
  });
  return undefined;
}
