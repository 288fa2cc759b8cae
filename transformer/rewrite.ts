/**
 * Rewrites operators on Values into method calls, in one source file, for one round.
 *
 * The type checker says which operands are Values; the rewriter splices new text around the
 * user's own (so untouched code keeps its exact text) and records a PositionMap from the new
 * text back to the old. Modelled on TypeScript's es2016 transform (`**` to `Math.pow`): one
 * visitor, one function per syntactic form, temporaries where an operand must be evaluated once.
 *
 *   a * b + c      ->  a.mul(b).add(c)
 *   2 - x          ->  x.rsub(2)
 *   u * v          ->  __gradscript.mul(u, v)       (u: Value | number: decided at run time)
 *   w[i()] *= y    ->  ((t, r) => (t.o[t.k] = t.v.mul(r)))(((o, k) => ({ o, k, v: o[k] }))(w, i()), y)
 *   a < b          ->  a.data < b.data
 */
import type * as ts from 'typescript';
import { operandProblems, type RewrittenOperator } from './diagnostics';
import { PositionMap } from './position-map';

export type TypeScript = typeof ts;

/** The name the runtime helpers are imported under. */
export const RUNTIME_NAMESPACE = '__gradscript';
export const DEFAULT_RUNTIME_MODULE = 'gradscript/runtime';

/** What an expression is, as far as rewriting goes. */
type Role = 'value' | 'maybe' | 'plain';

type Method = 'add' | 'sub' | 'mul' | 'div' | 'pow';

type Plan =
  | { kind: 'binary'; method: Method; role: Role; form: Form }
  | { kind: 'assign'; method: Method; role: Role; form: Form }
  | { kind: 'negate'; role: Role }
  | { kind: 'compare'; left: Role; right: Role }
  /** A runtime helper call from an earlier round whose operands are now known: `a.mul(b)` after all. */
  | { kind: 'settle'; method: Method | 'neg' | 'data'; form: 'method' | 'reverse' };

/** `method`: `a.mul(b)`; `reverse`: `b.rmul(a)`; `helper`: `__gradscript.mul(a, b)`. */
type Form = 'method' | 'reverse' | 'helper';

/** An operator that has no meaning on a Value, such as `%` or `++`. */
export interface OperatorError {
  start: number;
  length: number;
  operator: string;
  /** The whole expression, so TypeScript's own complaints about its operands can give way. */
  expression: { start: number; end: number };
}

/** The message for an OperatorError found at `where` (file:line:column). */
export function operatorErrorMessage(operator: string, where: string): string {
  return `gradscript: the operator '${operator}' has no meaning on a Value (${where}); ${hintFor(operator)}`;
}

export interface Rewrite {
  /** The rewritten text, or undefined when nothing needed rewriting. */
  text?: string;
  map?: PositionMap;
  /** Operators that have no meaning on a Value, positioned in the input text. */
  errors: OperatorError[];
  /** The operators rewritten in this round, positioned in the input text. */
  operators: RewrittenOperator[];
}

export interface RewriteOptions {
  runtimeModule?: string;
  /** The program's options: they decide whether the runtime is imported as an ES module or required. */
  compilerOptions?: ts.CompilerOptions;
  /** Files already rewritten in this round, by name: what they declare is typed as it was before. */
  rewrittenThisRound?: ReadonlyMap<string, ts.SourceFile>;
  /**
   * Where the parser found errors in a file being edited: an operator whose expression spans
   * one is left as written, and everything around it is rewritten.
   */
  syntaxErrors?: readonly number[];
}

/** The members an operand's type must have to count as a Value. */
const VALUE_MEMBERS = [
  'data',
  'backward',
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'neg',
  'radd',
  'rsub',
  'rmul',
  'rdiv',
  'rpow',
];

export function rewriteSourceFile(
  tsi: TypeScript,
  checker: ts.TypeChecker,
  sourceFile: ts.SourceFile,
  options: RewriteOptions = {},
): Rewrite {
  const { SyntaxKind } = tsi;
  const arithmetic = new Map<ts.SyntaxKind, Method>([
    [SyntaxKind.PlusToken, 'add'],
    [SyntaxKind.MinusToken, 'sub'],
    [SyntaxKind.AsteriskToken, 'mul'],
    [SyntaxKind.SlashToken, 'div'],
    [SyntaxKind.AsteriskAsteriskToken, 'pow'],
  ]);
  const compound = new Map<ts.SyntaxKind, Method>([
    [SyntaxKind.PlusEqualsToken, 'add'],
    [SyntaxKind.MinusEqualsToken, 'sub'],
    [SyntaxKind.AsteriskEqualsToken, 'mul'],
    [SyntaxKind.SlashEqualsToken, 'div'],
    [SyntaxKind.AsteriskAsteriskEqualsToken, 'pow'],
  ]);
  const comparison = new Set([
    SyntaxKind.LessThanToken,
    SyntaxKind.LessThanEqualsToken,
    SyntaxKind.GreaterThanToken,
    SyntaxKind.GreaterThanEqualsToken,
  ]);
  const unsupportedBinary = new Set([
    SyntaxKind.PercentToken,
    SyntaxKind.PercentEqualsToken,
    SyntaxKind.AmpersandToken,
    SyntaxKind.AmpersandEqualsToken,
    SyntaxKind.BarToken,
    SyntaxKind.BarEqualsToken,
    SyntaxKind.CaretToken,
    SyntaxKind.CaretEqualsToken,
    SyntaxKind.LessThanLessThanToken,
    SyntaxKind.LessThanLessThanEqualsToken,
    SyntaxKind.GreaterThanGreaterThanToken,
    SyntaxKind.GreaterThanGreaterThanEqualsToken,
    SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
    SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken,
  ]);
  const unsupportedUnary = new Set([
    SyntaxKind.PlusPlusToken,
    SyntaxKind.MinusMinusToken,
    SyntaxKind.TildeToken,
    SyntaxKind.PlusToken,
  ]);

  const text = sourceFile.text;
  const plans = new Map<ts.Node, Plan>();
  /** Nodes with a plan somewhere inside, so copying can skip the subtrees that have none. */
  const containsPlan = new Set<ts.Node>();
  /** Nodes with a plan or a deferred operator inside: their inferred types are about to change. */
  const containsChange = new Set<ts.Node>();
  /** Operators left for the next round, when their operands' types are up to date. */
  const deferred = new Set<ts.Node>();
  const errors: OperatorError[] = [];
  const operators: RewrittenOperator[] = [];
  const roles = new Map<ts.Type, Role>();
  /** Operands that are rewritten arithmetic themselves, or names and calls typed by it. */
  const arithmeticOperands = new Set<ts.Expression>();
  /** The checker's type of each expression asked about: asking again would redo its flow analysis. */
  const types = new Map<ts.Expression, ts.Type>();
  /** Declarations whose staleness is being decided, so that a cycle of them ends. */
  const visiting = new Set<ts.Declaration>();
  /** Everything ending before this position is planned: what is known of it is final. */
  let planned = 0;
  /** Answers about declarations that are planned: each chain of them is walked once. */
  const staleness = new Map<ts.Declaration, boolean>();
  const declaredRoles = new Map<ts.Declaration, Role | undefined>();
  const remembered = <T>(
    memo: Map<ts.Declaration, T>,
    declaration: ts.Declaration,
    answer: () => T,
  ): T => {
    if (memo.has(declaration)) return memo.get(declaration)!;
    const result = answer();
    if (declaration.end <= planned && declaration.getSourceFile() === sourceFile)
      memo.set(declaration, result);
    return result;
  };
  /** What a Value's `add` returns: the type of every rewritten operation, once a Value is seen. */
  let valueResult: ts.Type | undefined;
  /** Calls of the runtime helpers written by earlier rounds. */
  const helperCalls: ts.CallExpression[] = [];

  const operandFacts = {
    typeOf: (expression: ts.Expression) => typeOf(skipParentheses(expression)),
    isArithmetic: (expression: ts.Expression) =>
      arithmeticOperands.has(skipParentheses(expression)),
    isValueOrNumber: (type: ts.Type) =>
      (type.isUnion() ? type.types : [type]).every(
        (t) =>
          (t.flags & (tsi.TypeFlags.NumberLike | tsi.TypeFlags.BigIntLike)) !== 0 ||
          roleOfType(t) === 'value',
      ),
  };

  const runtimeImport = findRuntimeImport();
  /**
   * What an `any` operand is taken for. The checker cannot say what it holds, so in a file that
   * works with Values it goes through the runtime helpers, which look at what they get: a
   * Value, or anything else, which gets JavaScript's own operator. Elsewhere it is left alone.
   */
  let anyRole: Role = 'plain';
  let sawAnyOperand = false;
  plan(sourceFile);
  const touchesValues = () =>
    plans.size > 0 ||
    deferred.size > 0 ||
    runtimeImport !== undefined ||
    helperCalls.length > 0 ||
    importsValueClass();
  if (sawAnyOperand && touchesValues()) {
    anyRole = 'maybe';
    for (const planned of [plans, containsPlan, containsChange, deferred, arithmeticOperands])
      planned.clear();
    errors.length = 0;
    operators.length = 0;
    helperCalls.length = 0;
    plan(sourceFile);
  }
  const needsRuntime = [...plans.values()].some(callsRuntime) || helperCallsLeft();
  // A file whose last helper call settled into a method call no longer needs the import.
  const dropImport = runtimeImport !== undefined && !needsRuntime;
  const addImport = runtimeImport === undefined && needsRuntime;
  if (plans.size === 0 && !dropImport) return { errors, operators };

  const out = new Output(text);
  let start = 0;
  if (addImport) {
    // Before the first statement, on its line, so that no line number moves; after any
    // prologue, `#!` line, `/// <reference>` directive or pragma, which must come first.
    start = runtimeImportPosition();
    out.copy(0, start);
    out.insert(runtimeImportText(), start);
  }
  if (dropImport) {
    out.copy(0, runtimeImport.getStart(sourceFile));
    start = runtimeImport.end;
    while (text[start] === ' ') start++;
  }
  writeChildren(sourceFile, start);
  return { text: out.text, map: out.map, errors, operators };

  // ---- Planning: decide, bottom-up, what each operator becomes. -------------------------

  function plan(node: ts.Node): void {
    tsi.forEachChild(node, plan);
    planned = node.pos;
    const decided = decide(node);
    if (!decided) return;
    plans.set(node, decided);
    for (let n: ts.Node | undefined = node; n && !containsPlan.has(n); n = n.parent)
      containsPlan.add(n);
    markChange(node);
    if (decided.kind !== 'settle') record(node as ts.BinaryExpression | ts.PrefixUnaryExpression);
  }

  /** Keeps what tsc would say about the operator's operands, should the rewritten call be refused. */
  function record(node: ts.BinaryExpression | ts.PrefixUnaryExpression): void {
    const span = (n: ts.Node) => ({ start: n.getStart(sourceFile), end: n.end });
    const binary = tsi.isBinaryExpression(node);
    operators.push({
      operator: binary ? node.operatorToken.getText(sourceFile) : '-',
      expression: span(node),
      token: binary
        ? span(node.operatorToken)
        : { start: span(node).start, end: span(node).start + 1 },
      operands: binary ? [span(node.left), span(node.right)] : [span(node.operand)],
      problems: operandProblems(tsi, checker, sourceFile, node, operandFacts),
    });
  }

  function decide(node: ts.Node): Plan | undefined {
    if (spansSyntaxError(node)) return undefined;
    if (tsi.isBinaryExpression(node)) return decideBinary(node);
    if (tsi.isPrefixUnaryExpression(node) || tsi.isPostfixUnaryExpression(node))
      return decideUnary(node);
    if (runtimeImport && tsi.isCallExpression(node)) return decideHelperCall(node);
    return undefined;
  }

  /** True when the file imports a class whose instances are Values (`import { Value } from …`). */
  function importsValueClass(): boolean {
    return sourceFile.statements.some((statement) => {
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
        return roleOfType(checker.getDeclaredTypeOfSymbol(target)) === 'value';
      });
    });
  }

  function spansSyntaxError(node: ts.Node): boolean {
    const errorsAt = options.syntaxErrors;
    if (!errorsAt || errorsAt.length === 0) return false;
    const start = node.getStart(sourceFile);
    return errorsAt.some((at) => start <= at && at <= node.end);
  }

  /**
   * An earlier round chose a helper because an operand's type was not known yet (it came from
   * a file or a declaration rewritten in the same round). Where the operands are known now,
   * the call becomes the method call it would have been.
   */
  function decideHelperCall(node: ts.CallExpression): Plan | undefined {
    const callee = node.expression;
    if (
      !tsi.isPropertyAccessExpression(callee) ||
      !tsi.isIdentifier(callee.expression) ||
      callee.expression.text !== RUNTIME_NAMESPACE
    )
      return undefined;
    helperCalls.push(node);
    const method = callee.name.text;
    const operands = node.arguments;
    if (operands.some(isStale)) return defer(node);
    const operandRoles = operands.map((operand) => roleOf(operand));
    if ((method === 'neg' || method === 'data') && operands.length === 1) {
      return operandRoles[0] === 'value' ? { kind: 'settle', method, form: 'method' } : undefined;
    }
    if (!isMethod(method) || operands.length !== 2) return undefined;
    const form = formFor(operandRoles[0], operandRoles[1], operands[0], operands[1]);
    return form === 'helper' ? undefined : { kind: 'settle', method, form };
  }

  function isMethod(name: string): name is Method {
    return ['add', 'sub', 'mul', 'div', 'pow'].includes(name);
  }

  function helperCallsLeft(): boolean {
    return helperCalls.some((call) => !plans.has(call));
  }

  function decideBinary(node: ts.BinaryExpression): Plan | undefined {
    const operator = node.operatorToken.kind;
    const method = arithmetic.get(operator) ?? compound.get(operator);
    if (!method && !comparison.has(operator) && !unsupportedBinary.has(operator)) return undefined;
    if (isStale(node.left) || isStale(node.right)) return defer(node);
    if (unsupportedBinary.has(operator)) {
      const typed = [node.left, node.right].some((side) => roleOf(side, 'plain') !== 'plain');
      return typed ? reportUnsupported(node.operatorToken, node) : undefined;
    }
    const left = roleOf(node.left);
    const right = roleOf(node.right);
    if (left === 'plain' && right === 'plain') return undefined;
    if (comparison.has(operator)) return { kind: 'compare', left, right };
    // A Value is no string: only the other operand of `+` can make it a concatenation.
    const concatenates =
      method === 'add' &&
      ((left !== 'value' && isStringLike(node.left)) ||
        (right !== 'value' && isStringLike(node.right)));
    if (concatenates) return undefined;
    const role: Role = left === 'value' || right === 'value' ? 'value' : 'maybe';
    const form = formFor(left, right, node.left, node.right);
    return compound.has(operator)
      ? { kind: 'assign', method: method!, role, form }
      : { kind: 'binary', method: method!, role, form };
  }

  function decideUnary(
    node: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression,
  ): Plan | undefined {
    if (isStale(node.operand)) return defer(node);
    if (node.operator === SyntaxKind.MinusToken && tsi.isPrefixUnaryExpression(node)) {
      const role = roleOf(node.operand);
      return role === 'plain' ? undefined : { kind: 'negate', role };
    }
    if (unsupportedUnary.has(node.operator) && roleOf(node.operand, 'plain') !== 'plain')
      return reportUnsupported(node, node);
    return undefined;
  }

  /**
   * True when the checker's type for the expression is out of date: it reads a variable or
   * calls a function whose own text is being rewritten in this round (`const d = a * b` is
   * typed `number` until `a.mul(b)` replaces it). Such operators wait for the next round.
   */
  function isStale(expression: ts.Expression): boolean {
    const inner = skipParentheses(expression);
    if (deferred.has(inner)) return true;
    if (plannedRole(inner) ?? inferredRole(inner)) return false;
    // `h.tanh()` is as out of date as `h` is, and `(a * b).tanh()` as `a * b`: walk the access
    // chain down to its root.
    for (let link: ts.Expression = inner; ;) {
      if (link !== inner && (plans.has(link) || deferred.has(link))) return true;
      const name = tsi.isPropertyAccessExpression(link) ? link.name : link;
      if ((tsi.isIdentifier(name) || tsi.isPrivateIdentifier(name)) && rewrittenDeclarationOf(name))
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
  function rewrittenDeclarationOf(
    name: ts.Identifier | ts.PrivateIdentifier,
  ): ts.Declaration | undefined {
    // Finding what `o.p` names means typing `o`, which costs as much as checking it. Only a
    // declaration in this file or in a file rewritten this round can have a rewritten type, so a
    // name that none of them declares needs no looking up.
    const candidates = [sourceFile, ...(options.rewrittenThisRound?.values() ?? [])];
    if (candidates.every((file) => declaredNames(tsi, file)?.has(name.text) === false))
      return undefined;
    const symbol = checker.getSymbolAtLocation(name);
    if (!symbol) return undefined;
    const target = symbol.flags & tsi.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const declaration = target.valueDeclaration;
    return declaration && typedByRewrite(declaration) ? declaration : undefined;
  }

  /** True for a declaration without a type of its own whose inferred type this round rewrites. */
  function typedByRewrite(declaration: ts.Declaration): boolean {
    return remembered(staleness, declaration, () => computeTypedByRewrite(declaration));
  }

  function computeTypedByRewrite(declaration: ts.Declaration): boolean {
    if ((declaration as { type?: ts.TypeNode }).type) return false;
    const file = declaration.getSourceFile();
    if (file !== sourceFile) return options.rewrittenThisRound?.has(file.fileName) ?? false;
    if (containsChange.has(declaration)) return true;
    // `let total = k`, where k's type is about to change, changes with it.
    const initializer = (declaration as { initializer?: ts.Expression }).initializer;
    if (!initializer || visiting.has(declaration)) return false;
    visiting.add(declaration);
    try {
      const inner = skipParentheses(initializer);
      return (plannedRole(inner) ?? inferredRole(inner)) !== undefined || isStale(inner);
    } finally {
      visiting.delete(declaration);
    }
  }

  function defer(node: ts.Node): undefined {
    deferred.add(node);
    markChange(node);
    return undefined;
  }

  function markChange(node: ts.Node): void {
    for (let n: ts.Node | undefined = node; n && !containsChange.has(n); n = n.parent)
      containsChange.add(n);
  }

  function formFor(
    left: Role,
    right: Role,
    leftNode: ts.Expression,
    rightNode: ts.Expression,
  ): Form {
    if (left === 'value') return 'method';
    if (left === 'plain' && right === 'value' && reverseKeepsOrder(leftNode, rightNode))
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
  function reverseKeepsOrder(left: ts.Expression, right: ts.Expression): boolean {
    const inner = skipParentheses(left);
    return isLiteral(inner) || isConstantName(inner) || (isInert(inner) && isInert(right));
  }

  /** A name whose binding nothing can change: a `const`, or an import. */
  function isConstantName(node: ts.Expression): boolean {
    if (!tsi.isIdentifier(node)) return false;
    const declaration = checker.getSymbolAtLocation(node)?.declarations?.[0];
    if (!declaration) return false;
    if (tsi.isImportSpecifier(declaration) || tsi.isImportClause(declaration)) return true;
    return (
      tsi.isVariableDeclaration(declaration) &&
      tsi.isVariableDeclarationList(declaration.parent) &&
      (declaration.parent.flags & tsi.NodeFlags.Const) !== 0
    );
  }

  /** Names, `this` and literals: reading them runs no code (a property may be a getter). */
  function isInert(node: ts.Expression): boolean {
    const inner = skipParentheses(node);
    return tsi.isIdentifier(inner) || inner.kind === SyntaxKind.ThisKeyword || isLiteral(inner);
  }

  function reportUnsupported(token: ts.Node, expression: ts.Expression): undefined {
    const operator =
      tsi.isPrefixUnaryExpression(token) || tsi.isPostfixUnaryExpression(token)
        ? tsi.tokenToString(token.operator)!
        : token.getText(sourceFile);
    const start = token.getStart(sourceFile);
    errors.push({
      start,
      length: token.end - start,
      operator,
      expression: { start: expression.getStart(sourceFile), end: expression.end },
    });
    return undefined;
  }

  /** What the expression will be once rewritten: a Value, possibly a Value, or anything else. */
  function roleOf(expression: ts.Expression, anyAs = anyRole): Role {
    const inner = skipParentheses(expression);
    const known = plannedRole(inner) ?? inferredRole(inner);
    if (known) {
      arithmeticOperands.add(inner);
      return known;
    }
    const type = typeOf(inner);
    if (type.flags & tsi.TypeFlags.Any) {
      sawAnyOperand = true;
      return anyAs;
    }
    return roleOfType(type);
  }

  function plannedRole(expression: ts.Expression): Role | undefined {
    const planned = plans.get(skipParentheses(expression));
    if (!planned || planned.kind === 'compare') return undefined;
    if (planned.kind === 'settle') return planned.method === 'data' ? 'plain' : 'value';
    return planned.role;
  }

  /**
   * The role a name, property or call will have once this round's rewriting is done, where the
   * checker's answer is out of date: `const d = a * b` makes `d` a Value, and so does a function,
   * method or getter whose every `return` is rewritten. Declarations seen earlier in the file are
   * planned already, so a chain of them settles in one round.
   */
  function inferredRole(expression: ts.Expression): Role | undefined {
    const call = tsi.isCallExpression(expression);
    const callee = call ? skipParentheses(expression.expression) : expression;
    if (tsi.isPropertyAccessExpression(callee)) {
      // `(a * b).tanh()`, `margin.relu()`, `d.data`: a member of what will be a Value.
      const receiver = skipParentheses(callee.expression);
      if ((plannedRole(receiver) ?? inferredRole(receiver)) === 'value' && valueResult)
        return memberRole(valueResult, callee.name.text, call);
    }
    const name = tsi.isPropertyAccessExpression(callee) ? callee.name : callee;
    if (!tsi.isIdentifier(name) && !tsi.isPrivateIdentifier(name)) return undefined;
    const declaration = rewrittenDeclarationOf(name);
    if (!declaration) return undefined;
    if (
      (tsi.isVariableDeclaration(declaration) || tsi.isPropertyDeclaration(declaration)) &&
      declaration.initializer
    ) {
      const initializer = skipParentheses(declaration.initializer);
      if (!call) {
        return remembered(declaredRoles, declaration, () => {
          if (visiting.has(declaration)) return undefined;
          visiting.add(declaration);
          try {
            return plannedRole(initializer) ?? inferredRole(initializer);
          } finally {
            visiting.delete(declaration);
          }
        });
      }
      return tsi.isArrowFunction(initializer) || tsi.isFunctionExpression(initializer)
        ? returnedRole(initializer)
        : undefined;
    }
    if (!call && tsi.isGetAccessorDeclaration(declaration)) return returnedRole(declaration);
    return call && (tsi.isFunctionDeclaration(declaration) || tsi.isMethodDeclaration(declaration))
      ? returnedRole(declaration)
      : undefined;
  }

  /** The role of member `name` of `type`, or of what calling it returns. */
  function memberRole(type: ts.Type, name: string, call: boolean): Role | undefined {
    const member = type.getProperty(name);
    if (!member?.valueDeclaration) return undefined;
    const memberType = checker.getTypeOfSymbolAtLocation(member, member.valueDeclaration);
    if (!call) return roleOfType(memberType);
    const returned = memberType.getCallSignatures().map((s) => roleOfType(s.getReturnType()));
    if (returned.length === 0) return undefined;
    return returned.every((r) => r === returned[0]) ? returned[0] : 'maybe';
  }

  function returnedRole(f: ts.SignatureDeclaration & { body?: ts.ConciseBody }): Role | undefined {
    if (f.type || !f.body) return undefined;
    if (!tsi.isBlock(f.body)) return plannedRole(f.body);
    const returned: (Role | undefined)[] = [];
    const visit = (node: ts.Node): void => {
      if (tsi.isReturnStatement(node))
        returned.push(node.expression && plannedRole(node.expression));
      else if (!tsi.isFunctionLike(node)) tsi.forEachChild(node, visit);
    };
    visit(f.body);
    if (returned.length === 0 || returned.some((r) => r === undefined)) return undefined;
    return returned.every((r) => r === 'value') ? 'value' : 'maybe';
  }

  function roleOfType(type: ts.Type): Role {
    let role = roles.get(type);
    if (role === undefined) {
      roles.set(type, 'plain'); // a placeholder that stops recursive types from looping
      role = computeRole(type);
      roles.set(type, role);
    }
    return role;
  }

  function computeRole(type: ts.Type): Role {
    const { TypeFlags } = tsi;
    // `any` inside a union or as a constraint says nothing; alone, roleOf decides.
    if (type.flags & (TypeFlags.Any | TypeFlags.Unknown)) return 'plain';
    if (type.flags & TypeFlags.TypeParameter) {
      const constraint = checker.getBaseConstraintOfType(type);
      return constraint && constraint !== type ? roleOfType(constraint) : 'plain';
    }
    if (type.isUnion()) {
      const members = type.types.filter((t) => !(t.flags & (TypeFlags.Null | TypeFlags.Undefined)));
      const memberRoles = members.map(roleOfType);
      if (memberRoles.length > 0 && memberRoles.every((r) => r === 'value')) return 'value';
      return memberRoles.some((r) => r !== 'plain') ? 'maybe' : 'plain';
    }
    if (type.isIntersection())
      return type.types.some((t) => roleOfType(t) === 'value') ? 'value' : 'plain';
    if (!(type.flags & TypeFlags.Object)) return 'plain';
    if (!VALUE_MEMBERS.every((name) => type.getProperty(name))) return 'plain';
    if (!valueResult) {
      const add = type.getProperty('add')!;
      const signature = checker
        .getTypeOfSymbolAtLocation(add, add.valueDeclaration ?? sourceFile)
        .getCallSignatures()[0];
      valueResult = signature?.getReturnType();
    }
    return 'value';
  }

  function typeOf(expression: ts.Expression): ts.Type {
    let type = types.get(expression);
    if (!type) types.set(expression, (type = checker.getTypeAtLocation(expression)));
    return type;
  }

  function isStringLike(expression: ts.Expression): boolean {
    const type = typeOf(skipParentheses(expression));
    const stringy = (t: ts.Type) => (t.flags & tsi.TypeFlags.StringLike) !== 0;
    return stringy(type) || (type.isUnion() && type.types.some(stringy));
  }

  /** A number or string literal, or a negated number literal. */
  function isLiteral(node: ts.Expression): boolean {
    const inner = skipParentheses(node);
    return (
      tsi.isNumericLiteral(inner) ||
      tsi.isStringLiteralLike(inner) ||
      (tsi.isPrefixUnaryExpression(inner) && tsi.isNumericLiteral(inner.operand))
    );
  }

  /** Names, `this`, `super` and literals: safe to write twice, as `x = x.add(y)` does. */
  function isCopiable(node: ts.Expression): boolean {
    return (
      tsi.isIdentifier(node) ||
      node.kind === SyntaxKind.ThisKeyword ||
      node.kind === SyntaxKind.SuperKeyword ||
      tsi.isLiteralExpression(node)
    );
  }

  function skipParentheses(node: ts.Expression): ts.Expression {
    while (tsi.isParenthesizedExpression(node)) node = node.expression;
    return node;
  }

  // ---- Writing: copy the user's text, splicing in each planned form. ------------------------

  function write(node: ts.Node): void {
    if (tsi.isExpressionStatement(node) && mayJoinPreviousLine(node)) {
      out.insert(';', node.getStart(sourceFile));
    }
    const planned = plans.get(node);
    if (!planned) return writeChildren(node, node.getStart(sourceFile));
    switch (planned.kind) {
      case 'binary': {
        const binary = node as ts.BinaryExpression;
        return writeOperation(
          planned.method,
          planned.form,
          binary.left,
          () => write(binary.left),
          binary.operatorToken,
          binary.right,
        );
      }
      case 'assign':
        return writeAssignment(node as ts.BinaryExpression, planned.method, planned.form);
      case 'negate':
        return writeNegation(node as ts.PrefixUnaryExpression, planned.role);
      case 'compare':
        return writeComparison(node as ts.BinaryExpression, planned.left, planned.right);
      case 'settle':
        return writeSettled(node as ts.CallExpression, planned.method, planned.form);
    }
  }

  /**
   * True when the statement's rewritten text may begin with `(` while the statement before it
   * has no semicolon: automatic semicolon insertion would then join the two into a call. Such a
   * statement gets a `;` of its own, as code written without semicolons does by hand.
   */
  function mayJoinPreviousLine(statement: ts.ExpressionStatement): boolean {
    const statements = (statement.parent as { statements?: ts.NodeArray<ts.Statement> }).statements;
    const index = statements ? statements.indexOf(statement) : -1;
    if (index < 1 || text[statements![index - 1].end - 1] === ';') return false;
    const start = statement.getStart(sourceFile);
    for (let node: ts.Node | undefined = statement.expression; node;) {
      if (plans.has(node)) return true;
      node = tsi.forEachChild(node, (child) =>
        child.getStart(sourceFile) === start ? child : undefined,
      );
    }
    return false;
  }

  /** Copies `node`'s text from `from` to its end, rewriting the planned nodes inside. */
  function writeChildren(node: ts.Node, from: number): void {
    let cursor = from;
    if (containsPlan.has(node)) {
      tsi.forEachChild(node, (child) => {
        if (!containsPlan.has(child)) return;
        out.copy(cursor, child.getStart(sourceFile));
        write(child);
        cursor = child.end;
      });
    }
    out.copy(cursor, node.end);
  }

  /**
   * `left <op> right` in the chosen form. `writeLeft` writes the left operand: the node
   * itself, or a temporary standing for it in a compound assignment.
   */
  function writeOperation(
    method: Method,
    form: Form,
    left: ts.Expression,
    writeLeft: () => void,
    operator: ts.Node,
    right: ts.Expression,
  ): void {
    const at = operator.getStart(sourceFile);
    switch (form) {
      case 'method':
        writeReceiver(left, writeLeft);
        out.keepLineBreaks(left.end, at);
        out.insert(`.${method}(`, at);
        out.keepLineBreaks(operator.end, right.getStart(sourceFile));
        write(right);
        out.insert(')', at);
        return;
      case 'reverse':
        writeReceiver(right, () => write(right));
        out.insert(`.r${method}(`, at);
        writeLeft();
        // The operator is not copied: only the line breaks around it.
        out.keepLineBreaks(left.end, at);
        out.keepLineBreaks(operator.end, right.getStart(sourceFile));
        out.insert(')', at);
        return;
      case 'helper':
        out.insert(`${RUNTIME_NAMESPACE}.${method}(`, at);
        writeLeft();
        out.keepLineBreaks(left.end, at);
        out.insert(', ', at);
        out.keepLineBreaks(operator.end, right.getStart(sourceFile));
        write(right);
        out.insert(')', at);
    }
  }

  /** Writes an expression that a `.method(...)` call follows, in parentheses where it needs them. */
  function writeReceiver(node: ts.Expression, writeNode: () => void): void {
    // `m?.w` is parenthesized so `.mul(2)` is not skipped when m is undefined: the checker then
    // says m may be undefined, as it does for `m?.w * 2` on numbers.
    const parenthesize =
      !plans.has(node) && (!isMemberAccessible(node) || tsi.isOptionalChain(node));
    if (parenthesize) out.insert('(', node.getStart(sourceFile));
    writeNode();
    if (parenthesize) out.insert(')', node.end);
  }

  function isMemberAccessible(node: ts.Expression): boolean {
    return (
      tsi.isIdentifier(node) ||
      tsi.isPropertyAccessExpression(node) ||
      tsi.isElementAccessExpression(node) ||
      tsi.isCallExpression(node) ||
      tsi.isParenthesizedExpression(node) ||
      tsi.isNonNullExpression(node) ||
      (tsi.isNewExpression(node) && node.arguments !== undefined) ||
      node.kind === SyntaxKind.ThisKeyword
    );
  }

  /**
   * `target <op>= right`. A name, or a property or element of a name, is written twice
   * (`x = x.add(y)`); any other object or key is evaluated once, into the parameters of an arrow
   * function called on the spot, as the es2016 transform does with its temporaries. What wraps
   * the target (`a[i]!`, `(a[0] as Value)`) stays on the read and comes off the assignment.
   */
  function writeAssignment(node: ts.BinaryExpression, method: Method, form: Form): void {
    const target = assignmentTarget(node.left);
    const at = node.operatorToken.getStart(sourceFile);
    const simple =
      tsi.isIdentifier(target) ||
      (tsi.isPropertyAccessExpression(target) && isCopiable(target.expression)) ||
      (tsi.isElementAccessExpression(target) &&
        isCopiable(target.expression) &&
        isCopiable(target.argumentExpression));
    if (simple) {
      write(target);
      out.insert(' = ', at);
      const read = node.left;
      writeOperation(method, form, read, () => write(read), node.operatorToken, node.right);
      return;
    }
    if (!tsi.isPropertyAccessExpression(target) && !tsi.isElementAccessExpression(target)) {
      // Anything else is not assignable; let the checker say so on the user's text.
      return writeChildren(node, node.getStart(sourceFile));
    }
    // JavaScript evaluates the object, then the key, then reads the target, and only then the
    // right side. An inner arrow takes the object and key and reads the target; the outer one
    // takes what it found and the right side, and assigns. `super` cannot be passed: both
    // arrows name it directly, as arrows may.
    const isSuper = target.expression.kind === SyntaxKind.SuperKeyword;
    const element = tsi.isElementAccessExpression(target);
    const object = isSuper ? 'super' : 'o';
    const objectAfter = isSuper ? 'super' : 't.o';
    const key = element ? '[k]' : `.${target.name.getText(sourceFile)}`;
    const keyAfter = element ? '[t.k]' : key;
    out.insert(`((t, r) => (${objectAfter}${keyAfter} = `, at);
    writeOperationOnTemporaries(method, form, 't.v', at);
    const parameters = [...(isSuper ? [] : ['o']), ...(element ? ['k'] : [])];
    const wrapped = (read: string) =>
      text.slice(node.left.getStart(sourceFile), target.getStart(sourceFile)) +
      read +
      text.slice(target.end, node.left.end);
    const found = [...parameters, `v: ${wrapped(object + key)}`];
    out.insert(`))(((${parameters.join(', ')}) => ({ ${found.join(', ')} }))(`, at);
    if (!isSuper) write(target.expression);
    if (element) {
      if (!isSuper) out.insert(', ', at);
      write(target.argumentExpression);
    }
    out.insert('), ', at);
    out.keepLineBreaks(node.operatorToken.end, node.right.getStart(sourceFile));
    write(node.right);
    out.insert(')', at);
  }

  /**
   * What a compound assignment assigns to, inside the parentheses, `!`, `as`, `satisfies` and
   * `<T>` casts that TypeScript lets wrap it (`a[i]! -= g`, `(a[0] as Value) /= 2`).
   */
  function assignmentTarget(node: ts.Expression): ts.Expression {
    while (
      tsi.isParenthesizedExpression(node) ||
      tsi.isNonNullExpression(node) ||
      tsi.isAsExpression(node) ||
      tsi.isSatisfiesExpression(node) ||
      tsi.isTypeAssertionExpression(node)
    )
      node = node.expression;
    return node;
  }

  function writeOperationOnTemporaries(
    method: Method,
    form: Form,
    target: string,
    at: number,
  ): void {
    if (form === 'method') return out.insert(`${target}.${method}(r)`, at);
    if (form === 'reverse') return out.insert(`r.r${method}(${target})`, at);
    out.insert(`${RUNTIME_NAMESPACE}.${method}(${target}, r)`, at);
  }

  function writeNegation(node: ts.PrefixUnaryExpression, role: Role): void {
    const at = node.getStart(sourceFile);
    if (role === 'value') {
      writeReceiver(node.operand, () => write(node.operand));
      out.insert('.neg()', at);
      return;
    }
    out.insert(`${RUNTIME_NAMESPACE}.neg(`, at);
    write(node.operand);
    out.insert(')', at);
  }

  function writeComparison(node: ts.BinaryExpression, left: Role, right: Role): void {
    writeComparand(node.left, left);
    out.copy(node.left.end, node.right.getStart(sourceFile));
    writeComparand(node.right, right);
  }

  /** A side of a comparison: a Value compares by its data. */
  function writeComparand(node: ts.Expression, role: Role): void {
    if (role === 'plain') return write(node);
    if (role === 'value') {
      writeReceiver(node, () => write(node));
      out.insert('.data', node.end);
      return;
    }
    out.insert(`${RUNTIME_NAMESPACE}.data(`, node.getStart(sourceFile));
    write(node);
    out.insert(')', node.end);
  }

  /** `__gradscript.mul(a, b)` as `a.mul(b)` (or `b.rmul(a)`), `__gradscript.neg(a)` as `a.neg()`. */
  function writeSettled(
    call: ts.CallExpression,
    method: Method | 'neg' | 'data',
    form: 'method' | 'reverse',
  ): void {
    const [first, second] = call.arguments;
    const at = call.getStart(sourceFile);
    if (method === 'data' || method === 'neg') {
      writeReceiver(first, () => write(first));
      out.insert(method === 'data' ? '.data' : '.neg()', at);
      return;
    }
    const [receiver, operand] = form === 'method' ? [first, second] : [second, first];
    writeReceiver(receiver, () => write(receiver));
    out.insert(form === 'method' ? `.${method}(` : `.r${method}(`, at);
    write(operand);
    out.keepLineBreaks(first.end, second.getStart(sourceFile));
    out.insert(')', at);
  }

  /** The statement that brings in the runtime helpers, in whichever form it was written. */
  function findRuntimeImport(): ts.Statement | undefined {
    return sourceFile.statements.find((s) => {
      if (tsi.isImportDeclaration(s)) {
        const bindings = s.importClause?.namedBindings;
        return (
          bindings && tsi.isNamespaceImport(bindings) && bindings.name.text === RUNTIME_NAMESPACE
        );
      }
      if (tsi.isImportEqualsDeclaration(s)) return s.name.text === RUNTIME_NAMESPACE;
      return (
        tsi.isVariableStatement(s) &&
        s.declarationList.declarations.some(
          (d) => tsi.isIdentifier(d.name) && d.name.text === RUNTIME_NAMESPACE,
        )
      );
    });
  }

  function runtimeImportPosition(): number {
    const first = sourceFile.statements.find(
      (s) => !(tsi.isExpressionStatement(s) && tsi.isStringLiteral(s.expression)),
    )!;
    // A JSDoc comment belongs to its statement (in a JavaScript file it may be its type). Read
    // from the text, since a compiler parses the JSDoc of TypeScript files only on request.
    const jsDoc = tsi
      .getLeadingCommentRanges(sourceFile.text, first.pos)
      ?.find((c) => /^\/\*\*[^/]/.test(sourceFile.text.slice(c.pos, c.pos + 4)));
    return jsDoc ? jsDoc.pos : first.getStart(sourceFile);
  }

  /** An ES import where the file is emitted as an ES module, else a `require`. */
  function runtimeImportText(): string {
    const specifier = JSON.stringify(options.runtimeModule ?? DEFAULT_RUNTIME_MODULE);
    if (!emitsCommonJs(tsi, options.compilerOptions ?? {}, sourceFile))
      return `import * as ${RUNTIME_NAMESPACE} from ${specifier}; `;
    return isJavaScriptFile(sourceFile)
      ? `const ${RUNTIME_NAMESPACE} = require(${specifier}); `
      : `import ${RUNTIME_NAMESPACE} = require(${specifier}); `;
  }
}

function isJavaScriptFile(sourceFile: ts.SourceFile): boolean {
  return /\.[cm]?jsx?$/.test(sourceFile.fileName);
}

/**
 * Whether the file is emitted as CommonJS, as the compiler decides it: by the module setting,
 * and under node16/nodenext by the file's own format (.cts/.mts, or the package's "type").
 */
function emitsCommonJs(
  tsi: TypeScript,
  options: ts.CompilerOptions,
  sourceFile: ts.SourceFile,
): boolean {
  const { ModuleKind, ScriptTarget } = tsi;
  const kind =
    options.module ??
    ((options.target ?? ScriptTarget.ES5) >= ScriptTarget.ES2015
      ? ModuleKind.ES2015
      : ModuleKind.CommonJS);
  // Node16 (100) up to NodeNext (199): the file's own format decides.
  if (kind >= 100 && kind < 200) return sourceFile.impliedNodeFormat !== ModuleKind.ESNext;
  // Preserve (200) keeps each file's own syntax: CommonJS only for .cts and .cjs files.
  if (kind === 200) return /\.c[jt]s$/.test(sourceFile.fileName);
  return kind === ModuleKind.CommonJS || kind === ModuleKind.AMD || kind === ModuleKind.UMD;
}

function callsRuntime(plan: Plan): boolean {
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

function hintFor(operator: string): string {
  switch (operator) {
    case '++':
    case '--':
      return `write x = x ${operator[0]} 1 instead`;
    case '+':
      return 'use .data for the number';
    default:
      return 'use .data to work on the number';
  }
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

/** Builds the rewritten text and its PositionMap together. */
class Output {
  private readonly parts: string[] = [];
  readonly map = new PositionMap();

  constructor(private readonly input: string) {}

  get text(): string {
    return this.parts.join('');
  }

  copy(from: number, to: number): void {
    if (to <= from) return;
    this.parts.push(this.input.slice(from, to));
    this.map.copy(from, to - from);
  }

  insert(text: string, original: number): void {
    this.parts.push(text);
    this.map.insert(original, text.length);
  }

  /**
   * Keeps the line breaks (and the indentation after the last) between two places, so lines
   * stay put; whatever else stands there, an operator or a comma the rewriting replaced, is not.
   */
  keepLineBreaks(from: number, to: number): void {
    const between = this.input.slice(from, to);
    const lastBreak = between.lastIndexOf('\n');
    if (lastBreak < 0) return;
    const indentation = /^[ \t]*/.exec(between.slice(lastBreak + 1))![0];
    this.insert('\n'.repeat(between.split('\n').length - 1) + indentation, from);
  }
}
