/**
 * Writing: copies the user's text, splicing in each planned form, one function per syntactic
 * form as TypeScript's es2016 transform has. Untouched code keeps its exact text, and line breaks
 * inside a rewritten expression stay where they were, so line numbers never move.
 */
import type * as ts from 'typescript';
import { writeAssignment } from './assignment';
import type { Output } from './output';
import { RUNTIME_NAMESPACE, type Form, type Method, type RewriteState, type Role } from './state';
import { writeScope, type Temporaries } from './temporaries';

/** What writing works with: the plan, the text being built, and the temporaries to declare. */
export interface Emitter {
  readonly s: RewriteState;
  readonly out: Output;
  readonly temporaries: Temporaries;
}

export function write(e: Emitter, node: ts.Node): void {
  const { s, out } = e;
  if (s.tsi.isExpressionStatement(node) && mayJoinPreviousLine(e, node)) {
    out.insert(';', node.getStart(s.sourceFile));
  }
  if (e.temporaries.byScope.has(node)) return writeScope(e, node, () => writeNode(e, node));
  writeNode(e, node);
}

function writeNode(e: Emitter, node: ts.Node): void {
  const planned = e.s.planning.plans.get(node);
  if (!planned) return writeChildren(e, node, node.getStart(e.s.sourceFile));
  switch (planned.kind) {
    case 'binary': {
      const binary = node as ts.BinaryExpression;
      return writeOperation(
        e,
        planned.method,
        planned.form,
        binary.left,
        () => write(e, binary.left),
        binary.operatorToken,
        binary.right,
      );
    }
    case 'assign':
      return writeAssignment(e, node as ts.BinaryExpression, planned.method, planned.form);
    case 'negate':
      return writeNegation(e, node as ts.PrefixUnaryExpression, planned.role);
    case 'compare':
      return writeComparison(e, node as ts.BinaryExpression, planned.left, planned.right);
    case 'settle':
      return writeSettled(e, node as ts.CallExpression, planned.method, planned.form);
  }
}

/** Copies `node`'s text from `from` to its end, rewriting the planned nodes inside. */
export function writeChildren(e: Emitter, node: ts.Node, from: number): void {
  const { s, out } = e;
  const { containsPlan } = s.planning;
  let cursor = from;
  if (containsPlan.has(node)) {
    s.tsi.forEachChild(node, (child) => {
      if (!containsPlan.has(child)) return;
      out.copy(cursor, child.getStart(s.sourceFile));
      write(e, child);
      cursor = child.end;
    });
  }
  out.copy(cursor, node.end);
}

/**
 * `left <op> right` in the chosen form. `writeLeft` writes the left operand: the node itself,
 * or, in a compound assignment, the read of its target.
 */
export function writeOperation(
  e: Emitter,
  method: Method,
  form: Form,
  left: ts.Expression,
  writeLeft: () => void,
  operator: ts.Node,
  right: ts.Expression,
): void {
  const { s, out } = e;
  const at = operator.getStart(s.sourceFile);
  const rightStart = right.getStart(s.sourceFile);
  switch (form) {
    case 'method':
      writeReceiver(e, left, writeLeft);
      out.keepLineBreaks(left.end, at);
      out.insert(`.${method}(`, at);
      out.keepLineBreaks(operator.end, rightStart);
      write(e, right);
      out.insert(')', at);
      return;
    case 'reverse':
      writeReceiver(e, right, () => write(e, right));
      out.insert(`.r${method}(`, at);
      writeLeft();
      // The operator is not copied: only the line breaks around it.
      out.keepLineBreaks(left.end, at);
      out.keepLineBreaks(operator.end, rightStart);
      out.insert(')', at);
      return;
    case 'helper':
      out.insert(`${RUNTIME_NAMESPACE}.${method}(`, at);
      writeLeft();
      out.keepLineBreaks(left.end, at);
      out.insert(', ', at);
      out.keepLineBreaks(operator.end, rightStart);
      write(e, right);
      out.insert(')', at);
  }
}

/** Writes an expression that a `.method(...)` call follows, in parentheses where it needs them. */
function writeReceiver(e: Emitter, node: ts.Expression, writeNode: () => void): void {
  const { s, out } = e;
  // `m?.w` is parenthesized so `.mul(2)` is not skipped when m is undefined: the checker then
  // says m may be undefined, as it does for `m?.w * 2` on numbers.
  const parenthesize =
    !s.planning.plans.has(node) && (!isMemberAccessible(s, node) || s.tsi.isOptionalChain(node));
  if (parenthesize) out.insert('(', node.getStart(s.sourceFile));
  writeNode();
  if (parenthesize) out.insert(')', node.end);
}

function isMemberAccessible(s: RewriteState, node: ts.Expression): boolean {
  const { tsi } = s;
  return (
    tsi.isIdentifier(node) ||
    tsi.isPropertyAccessExpression(node) ||
    tsi.isElementAccessExpression(node) ||
    tsi.isCallExpression(node) ||
    tsi.isParenthesizedExpression(node) ||
    tsi.isNonNullExpression(node) ||
    (tsi.isNewExpression(node) && node.arguments !== undefined) ||
    node.kind === tsi.SyntaxKind.ThisKeyword
  );
}

function writeNegation(e: Emitter, node: ts.PrefixUnaryExpression, role: Role): void {
  const at = node.getStart(e.s.sourceFile);
  if (role === 'value') {
    writeReceiver(e, node.operand, () => write(e, node.operand));
    e.out.insert('.neg()', at);
    return;
  }
  e.out.insert(`${RUNTIME_NAMESPACE}.neg(`, at);
  write(e, node.operand);
  e.out.insert(')', at);
}

function writeComparison(e: Emitter, node: ts.BinaryExpression, left: Role, right: Role): void {
  writeComparand(e, node.left, left);
  e.out.copy(node.left.end, node.right.getStart(e.s.sourceFile));
  writeComparand(e, node.right, right);
}

/** A side of a comparison: a Value compares by its data. */
function writeComparand(e: Emitter, node: ts.Expression, role: Role): void {
  if (role === 'plain') return write(e, node);
  if (role === 'value') {
    writeReceiver(e, node, () => write(e, node));
    e.out.insert('.data', node.end);
    return;
  }
  e.out.insert(`${RUNTIME_NAMESPACE}.data(`, node.getStart(e.s.sourceFile));
  write(e, node);
  e.out.insert(')', node.end);
}

/** `__gradscript.mul(a, b)` as `a.mul(b)` (or `b.rmul(a)`), `__gradscript.neg(a)` as `a.neg()`. */
function writeSettled(
  e: Emitter,
  call: ts.CallExpression,
  method: Method | 'neg' | 'data',
  form: 'method' | 'reverse',
): void {
  const [first, second] = call.arguments;
  const at = call.getStart(e.s.sourceFile);
  if (method === 'data' || method === 'neg') {
    writeReceiver(e, first, () => write(e, first));
    e.out.insert(method === 'data' ? '.data' : '.neg()', at);
    return;
  }
  const [receiver, operand] = form === 'method' ? [first, second] : [second, first];
  writeReceiver(e, receiver, () => write(e, receiver));
  e.out.insert(form === 'method' ? `.${method}(` : `.r${method}(`, at);
  write(e, operand);
  e.out.keepLineBreaks(first.end, second.getStart(e.s.sourceFile));
  e.out.insert(')', at);
}

/**
 * True when the statement's rewritten text may begin with `(` while the statement before it
 * has no semicolon: automatic semicolon insertion would then join the two into a call. Such a
 * statement gets a `;` of its own, as code written without semicolons does by hand.
 */
function mayJoinPreviousLine(e: Emitter, statement: ts.ExpressionStatement): boolean {
  const { s } = e;
  const statements = (statement.parent as { statements?: ts.NodeArray<ts.Statement> }).statements;
  const index = statements ? statements.indexOf(statement) : -1;
  if (index < 1 || s.sourceFile.text[statements![index - 1].end - 1] === ';') return false;
  const start = statement.getStart(s.sourceFile);
  for (let node: ts.Node | undefined = statement.expression; node;) {
    if (s.planning.plans.has(node)) return true;
    node = s.tsi.forEachChild(node, (child) =>
      child.getStart(s.sourceFile) === start ? child : undefined,
    );
  }
  return false;
}
