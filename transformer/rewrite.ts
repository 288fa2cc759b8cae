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
 *   w[i++] *= 2    ->  ((o, k, r) => o[k] = o[k].mul(r))(w, i++, 2)
 *   a < b          ->  a.data < b.data
 */
import type * as ts from 'typescript';
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
  | { kind: 'compare'; left: Role; right: Role };

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
}

export interface RewriteOptions {
  runtimeModule?: string;
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
  /** Operators left for the next round, when their operands' types are up to date. */
  const deferred = new Set<ts.Node>();
  const errors: OperatorError[] = [];
  const roles = new Map<ts.Type, Role>();

  plan(sourceFile);
  if (plans.size === 0) return { errors };

  const out = new Output(text);
  let start = 0;
  if ([...plans.values()].some(callsRuntime) && !importsRuntime()) {
    // On the first line (after a `#!` line), so that no line number moves.
    start = text.startsWith('#!') ? text.indexOf('\n') + 1 : 0;
    const runtimeModule = JSON.stringify(options.runtimeModule ?? DEFAULT_RUNTIME_MODULE);
    out.copy(0, start);
    out.insert(`import * as ${RUNTIME_NAMESPACE} from ${runtimeModule}; `, start);
  }
  writeChildren(sourceFile, start);
  return { text: out.text, map: out.map, errors };

  // ---- Planning: decide, bottom-up, what each operator becomes. -------------------------

  function plan(node: ts.Node): void {
    tsi.forEachChild(node, plan);
    const decided = decide(node);
    if (!decided) return;
    plans.set(node, decided);
    for (let n: ts.Node | undefined = node; n && !containsPlan.has(n); n = n.parent)
      containsPlan.add(n);
  }

  function decide(node: ts.Node): Plan | undefined {
    if (tsi.isBinaryExpression(node)) return decideBinary(node);
    if (tsi.isPrefixUnaryExpression(node) || tsi.isPostfixUnaryExpression(node))
      return decideUnary(node);
    return undefined;
  }

  function decideBinary(node: ts.BinaryExpression): Plan | undefined {
    const operator = node.operatorToken.kind;
    const method = arithmetic.get(operator) ?? compound.get(operator);
    if (!method && !comparison.has(operator) && !unsupportedBinary.has(operator)) return undefined;
    if (isStale(node.left) || isStale(node.right)) return defer(node);
    const left = roleOf(node.left);
    const right = roleOf(node.right);
    if (left === 'plain' && right === 'plain') return undefined;
    if (unsupportedBinary.has(operator)) return reportUnsupported(node.operatorToken, node);
    if (comparison.has(operator)) return { kind: 'compare', left, right };
    if (method === 'add' && (isStringLike(node.left) || isStringLike(node.right))) return undefined;
    const role: Role = left === 'value' || right === 'value' ? 'value' : 'maybe';
    const kind = compound.has(operator) ? 'assign' : 'binary';
    return { kind, method: method!, role, form: formFor(left, right, node.left, node.right) };
  }

  function decideUnary(
    node: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression,
  ): Plan | undefined {
    if (isStale(node.operand)) return defer(node);
    const role = roleOf(node.operand);
    if (role === 'plain') return undefined;
    if (node.operator === SyntaxKind.MinusToken && tsi.isPrefixUnaryExpression(node))
      return { kind: 'negate', role };
    if (unsupportedUnary.has(node.operator)) return reportUnsupported(node, node);
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
    const name = tsi.isCallExpression(inner) ? inner.expression : inner;
    if (!tsi.isIdentifier(name)) return false;
    const declaration = checker.getSymbolAtLocation(name)?.valueDeclaration;
    return declaration !== undefined && containsPlan.has(declaration);
  }

  function defer(node: ts.Node): undefined {
    deferred.add(node);
    return undefined;
  }

  function formFor(
    left: Role,
    right: Role,
    leftNode: ts.Expression,
    rightNode: ts.Expression,
  ): Form {
    if (left === 'value') return 'method';
    // `2 - x` becomes `x.rsub(2)`, which evaluates x first: fine when neither side has effects.
    if (
      left === 'plain' &&
      right === 'value' &&
      (isLiteral(leftNode) || (hasNoEffects(leftNode) && hasNoEffects(rightNode)))
    ) {
      return 'reverse';
    }
    return 'helper';
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
  function roleOf(expression: ts.Expression): Role {
    const inner = skipParentheses(expression);
    return (
      plannedRole(inner) ?? inferredRole(inner) ?? roleOfType(checker.getTypeAtLocation(inner))
    );
  }

  function plannedRole(expression: ts.Expression): Role | undefined {
    const planned = plans.get(skipParentheses(expression));
    return planned && planned.kind !== 'compare' ? planned.role : undefined;
  }

  /**
   * The role a name or call will have once this round's rewriting is done, where the checker's
   * answer is out of date: `const d = a * b` makes `d` a Value, and so does a function whose
   * every `return` is rewritten. This settles a chain of such declarations in one round.
   */
  function inferredRole(expression: ts.Expression): Role | undefined {
    const call = tsi.isCallExpression(expression);
    const name = call ? expression.expression : expression;
    if (!tsi.isIdentifier(name)) return undefined;
    const declaration = checker.getSymbolAtLocation(name)?.valueDeclaration;
    if (!declaration || !containsPlan.has(declaration)) return undefined;
    if (tsi.isVariableDeclaration(declaration) && !declaration.type && declaration.initializer) {
      if (!call) return plannedRole(declaration.initializer);
      const f = skipParentheses(declaration.initializer);
      return tsi.isArrowFunction(f) || tsi.isFunctionExpression(f) ? returnedRole(f) : undefined;
    }
    return call && tsi.isFunctionDeclaration(declaration) ? returnedRole(declaration) : undefined;
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
    // `any` never makes an expression a Value: the rewriter cannot know what it holds.
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
    return VALUE_MEMBERS.every((name) => type.getProperty(name)) ? 'value' : 'plain';
  }

  function isStringLike(expression: ts.Expression): boolean {
    const type = checker.getTypeAtLocation(skipParentheses(expression));
    const stringy = (t: ts.Type) => (t.flags & tsi.TypeFlags.StringLike) !== 0;
    return stringy(type) || (type.isUnion() && type.types.some(stringy));
  }

  function isLiteral(node: ts.Expression): boolean {
    const inner = skipParentheses(node);
    return (
      tsi.isNumericLiteral(inner) ||
      (tsi.isPrefixUnaryExpression(inner) && tsi.isNumericLiteral(inner.operand))
    );
  }

  /** True for expressions whose evaluation cannot change anything: names, literals, `this`, reads of those. */
  function hasNoEffects(node: ts.Expression): boolean {
    const inner = skipParentheses(node);
    if (
      tsi.isIdentifier(inner) ||
      tsi.isLiteralExpression(inner) ||
      inner.kind === SyntaxKind.ThisKeyword
    )
      return true;
    if (tsi.isPropertyAccessExpression(inner)) return hasNoEffects(inner.expression);
    if (tsi.isElementAccessExpression(inner))
      return hasNoEffects(inner.expression) && hasNoEffects(inner.argumentExpression);
    if (tsi.isPrefixUnaryExpression(inner)) {
      return (
        (inner.operator === SyntaxKind.MinusToken || inner.operator === SyntaxKind.PlusToken) &&
        hasNoEffects(inner.operand)
      );
    }
    return false;
  }

  /** Names, `this` and literals: safe to write twice, as `x = x.add(y)` does. */
  function isCopiable(node: ts.Expression): boolean {
    return (
      tsi.isIdentifier(node) ||
      node.kind === SyntaxKind.ThisKeyword ||
      tsi.isLiteralExpression(node)
    );
  }

  function skipParentheses(node: ts.Expression): ts.Expression {
    while (tsi.isParenthesizedExpression(node)) node = node.expression;
    return node;
  }

  // ---- Writing: copy the user's text, splicing in each planned form. ------------------------

  function write(node: ts.Node): void {
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
    }
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
        out.keepLineBreaks(left.end, right.getStart(sourceFile));
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
    const parenthesize = !plans.has(node) && !isMemberAccessible(node);
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
   * `target <op>= right`. A name, or a property of a name, is written twice (`x = x.add(y)`);
   * any other object or key is evaluated once, into the parameters of an arrow function called
   * on the spot, as the es2016 transform does with its temporaries.
   */
  function writeAssignment(node: ts.BinaryExpression, method: Method, form: Form): void {
    const target = skipParentheses(node.left);
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
      writeOperation(method, form, target, () => write(target), node.operatorToken, node.right);
      return;
    }
    if (!tsi.isPropertyAccessExpression(target) && !tsi.isElementAccessExpression(target)) {
      // Anything else is not assignable; let the checker say so on the user's text.
      return writeChildren(node, node.getStart(sourceFile));
    }
    const key = tsi.isPropertyAccessExpression(target) ? `.${target.name.text}` : '[k]';
    const parameters = tsi.isPropertyAccessExpression(target) ? '(o, r)' : '(o, k, r)';
    out.insert(`(${parameters} => o${key} = `, at);
    writeOperationOnTemporaries(method, form, `o${key}`, at);
    out.insert(')(', at);
    write(target.expression);
    if (tsi.isElementAccessExpression(target)) {
      out.insert(', ', at);
      write(target.argumentExpression);
    }
    out.insert(', ', at);
    out.keepLineBreaks(node.operatorToken.end, node.right.getStart(sourceFile));
    write(node.right);
    out.insert(')', at);
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

  function importsRuntime(): boolean {
    return sourceFile.statements.some(
      (s) =>
        tsi.isImportDeclaration(s) &&
        s.importClause?.namedBindings !== undefined &&
        tsi.isNamespaceImport(s.importClause.namedBindings) &&
        s.importClause.namedBindings.name.text === RUNTIME_NAMESPACE,
    );
  }
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

  /** Copies the trivia between two tokens only where it holds a line break, so lines stay put. */
  keepLineBreaks(from: number, to: number): void {
    if (this.input.slice(from, to).includes('\n')) this.copy(from, to);
  }
}
