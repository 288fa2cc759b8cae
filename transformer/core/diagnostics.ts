/**
 * Type errors on rewritten operators, said as tsc says them on the operator the user wrote.
 *
 * `a * b` on Values becomes `a.mul(b)`, or `__gradscript.mul(a, b)`, so a mistake in an operand
 * makes the checker complain about a call: an argument not assignable to a parameter, no overload
 * matching, a method missing on `number`, in names the user never wrote. Each rewritten operator
 * is therefore checked as tsc checks an operator (checkBinaryLikeExpression in its checker), with
 * a Value counting as a number: a possibly-undefined operand is TS18048 or TS2532 at the operand,
 * a string is TS2362/TS2363, an object TS2365 on the whole expression. The check runs when the
 * operator is planned, on the user's own operands, and costs a few flag tests; its findings are
 * shown only when the checker has something to say about the rewritten code.
 */
import { accumulatorAdvice } from './accumulator-advice';
import type * as ts from 'typescript';
import type { PositionMaps } from './position-map';

export interface Span {
  start: number;
  end: number;
}

/** A problem tsc would report on an operator, at the user's operand or expression. */
export interface OperandProblem extends Span {
  code: number;
  message: string;
}

/** An operator the rewriting replaced, with what tsc would say about its operands. */
export interface RewrittenOperator {
  /** As written: `*`, `-=`, `-` (negation), `<`. */
  operator: string;
  expression: Span;
  token: Span;
  /** The left and right operands, or the one operand of a negation. */
  operands: Span[];
  problems: OperandProblem[];
}

/** What the rewriter knows of an operand. */
export interface OperandFacts {
  typeOf(expression: ts.Expression): ts.Type;
  /** True for an operand that is itself rewritten arithmetic (a Value, or a Value or a number). */
  isArithmetic(expression: ts.Expression): boolean;
  /** True for a type whose every member is a Value or a number. */
  isValueOrNumber(type: ts.Type): boolean;
}

/**
 * What tsc reports on `node` with Values taken for numbers: nullable operands (checkNonNullType),
 * then operands that are not numbers (checkArithmeticOperandType), and a bigint meeting a number.
 */
export function operandProblems(
  tsi: typeof ts,
  checker: ts.TypeChecker,
  sourceFile: ts.SourceFile,
  node: ts.BinaryExpression | ts.PrefixUnaryExpression,
  facts: OperandFacts,
): OperandProblem[] {
  const { TypeFlags } = tsi;
  // Nearly every operand is a number, a Value, or arithmetic itself: nothing to look at.
  const operands = tsi.isBinaryExpression(node) ? [node.left, node.right] : [node.operand];
  const isFine = (operand: ts.Expression) => {
    if (facts.isArithmetic(operand)) return true;
    const type = facts.typeOf(operand);
    return (
      (type.flags & (TypeFlags.Any | TypeFlags.NumberLike)) !== 0 || facts.isValueOrNumber(type)
    );
  };
  if (operands.every(isFine)) return [];
  const problems: OperandProblem[] = [];
  const span = (n: ts.Node): Span => ({ start: n.getStart(sourceFile), end: n.end });
  const report = (n: ts.Node, code: number, message: string) =>
    problems.push({ ...span(n), code, message });
  const show = (type: ts.Type) => checker.typeToString(type);

  /** The operand's type once null and undefined are reported and set aside; undefined if nothing is left. */
  const nonNull = (operand: ts.Expression): ts.Type | undefined => {
    const type = facts.typeOf(operand);
    if (type.flags & TypeFlags.Any) return type;
    const name = entityName(tsi, operand);
    if (type.flags & TypeFlags.Unknown) {
      if (name !== undefined) report(operand, 18046, `'${name}' is of type 'unknown'.`);
      else report(operand, 2571, "Object is of type 'unknown'.");
      return undefined;
    }
    const members = type.isUnion() ? type.types : [type];
    const isUndefined = members.some((t) => t.flags & (TypeFlags.Undefined | TypeFlags.Void));
    const isNull = members.some((t) => t.flags & TypeFlags.Null);
    if (isUndefined || isNull) reportNullable(operand, name, isUndefined, isNull);
    const rest = members.filter(
      (t) => !(t.flags & (TypeFlags.Undefined | TypeFlags.Void | TypeFlags.Null)),
    );
    return rest.length === 0 ? undefined : checker.getNonNullableType(type);
  };

  const reportNullable = (
    operand: ts.Expression,
    name: string | undefined,
    isUndefined: boolean,
    isNull: boolean,
  ) => {
    if (operand.kind === tsi.SyntaxKind.NullKeyword)
      return report(operand, 18050, "The value 'null' cannot be used here.");
    if (name === 'undefined' && tsi.isIdentifier(operand))
      return report(operand, 18050, "The value 'undefined' cannot be used here.");
    const what = isUndefined ? (isNull ? "'null' or 'undefined'" : "'undefined'") : "'null'";
    if (name !== undefined) {
      const code = isUndefined ? (isNull ? 18049 : 18048) : 18047;
      return report(operand, code, `'${name}' is possibly ${what}.`);
    }
    const code = isUndefined ? (isNull ? 2533 : 2532) : 2531;
    report(operand, code, `Object is possibly ${what}.`);
  };

  const isNumeric = (type: ts.Type) =>
    (type.flags & (TypeFlags.Any | TypeFlags.NumberLike | TypeFlags.BigIntLike)) !== 0 ||
    facts.isValueOrNumber(type);
  const isBigInt = (type: ts.Type) =>
    (type.isUnion() ? type.types : [type]).some((t) => t.flags & TypeFlags.BigIntLike);

  if (tsi.isPrefixUnaryExpression(node)) {
    // Negation asks only that its operand be there: `-'a'` is NaN, and no error to tsc.
    if (!facts.isArithmetic(node.operand)) nonNull(node.operand);
    return problems;
  }

  const operator = node.operatorToken.getText(sourceFile);
  const sides = [node.left, node.right].map((operand) =>
    facts.isArithmetic(operand) ? undefined : { operand, type: nonNull(operand) },
  );
  const [left, right] = sides.map((side) => side?.type);
  const notNumeric = sides.map((side) => side?.type !== undefined && !isNumeric(side.type));
  const isComparison = ['<', '<=', '>', '>='].includes(operator);
  if (operator.startsWith('+') || isComparison) {
    if (notNumeric[0] || notNumeric[1]) {
      const [l, r] = [node.left, node.right].map((operand, k) =>
        show(sides[k]?.type ?? facts.typeOf(operand)),
      );
      report(node, 2365, `Operator '${operator}' cannot be applied to types '${l}' and '${r}'.`);
    }
    return problems;
  }
  const sideNames = ['left', 'right'];
  sides.forEach((side, k) => {
    if (!side || !notNumeric[k]) return;
    report(
      side.operand,
      2362 + k,
      `The ${sideNames[k]}-hand side of an arithmetic operation must be a Value or of type 'any', 'number', 'bigint' or an enum type; '${operator}' was given '${show(side.type!)}'.`,
    );
  });
  if (left && right && !notNumeric[0] && !notNumeric[1] && isBigInt(left) !== isBigInt(right)) {
    report(
      node,
      2365,
      `Operator '${operator}' cannot be applied to types '${show(left)}' and '${show(right)}'.`,
    );
  }
  return problems;
}

/** `m.w` for `m?.w`, `x` for `x`: the name tsc gives an operand, if it is a name (isEntityNameExpression). */
function entityName(tsi: typeof ts, node: ts.Expression): string | undefined {
  if (tsi.isIdentifier(node)) return node.text;
  if (tsi.isPropertyAccessExpression(node) && tsi.isIdentifier(node.name)) {
    const object = entityName(tsi, node.expression);
    return object === undefined ? undefined : `${object}.${node.name.text}`;
  }
  return undefined;
}

/** A rewritten file as the diagnostics see it. */
export interface RewrittenFileView {
  original: ts.SourceFile;
  rewritten: ts.SourceFile;
  maps: PositionMaps;
  operators: readonly RewrittenOperator[];
}

/**
 * What the checker says about the rewritten code of one file, with its complaints about the
 * rewritten operators replaced by what tsc says about those operators on the user's text. The
 * diagnostics that stay are the checker's own (in the rewritten text); the new ones are on the
 * user's text, in `file.original`.
 */
export function reexpressDiagnostics<D extends ts.Diagnostic>(
  tsi: typeof ts,
  checker: ts.TypeChecker,
  file: RewrittenFileView,
  diagnostics: readonly D[],
): (D | ts.Diagnostic)[] {
  if (file.operators.length === 0) return [...diagnostics];
  const kept: D[] = [];
  const claimed = new Set<RewrittenOperator>();
  for (const diagnostic of diagnostics) {
    const operator = diagnostic.start === undefined ? undefined : claimant(file, diagnostic);
    if (!operator) kept.push(diagnostic);
    else claimed.add(operator);
  }
  if (claimed.size === 0) return kept.map((d) => withAdvice(tsi, file, d));
  const said: ts.Diagnostic[] = [];
  const reported = new Set<RewrittenOperator>();
  const inner = [...claimed].sort(
    (a, b) => a.expression.end - a.expression.start - (b.expression.end - b.expression.start),
  );
  for (const operator of inner) {
    const problems = operator.problems.length > 0 ? operator.problems : undefined;
    const own = problems ?? reduceHint(tsi, file, operator);
    if (own) {
      said.push(...own.map((p) => diagnosticAt(tsi, file.original, p)));
      reported.add(operator);
      continue;
    }
    // An operand that is itself a faulty operation, already reported: tsc would say nothing more.
    const containsReported = [...reported].some((r) =>
      operator.operands.some((o) => o.start <= r.expression.start && r.expression.end <= o.end),
    );
    if (containsReported) {
      reported.add(operator);
      continue;
    }
    said.push(diagnosticAt(tsi, file.original, cannotApply(tsi, checker, file, operator)));
    reported.add(operator);
  }
  return [...kept.map((d) => withAdvice(tsi, file, d)), ...said];
}

/** Codes of the checker's complaints about an operand as a whole, as the rewritten call puts them. */
const OPERAND_CODES = new Set([
  2345, 2769, 2362, 2363, 2365, 2531, 2532, 2533, 2571, 18046, 18047, 18048, 18049, 18050,
]);

/**
 * The rewritten operator a diagnostic of the rewritten text is about, if any: one falling on text
 * the rewriting made up (`.mul(`, the helper's name), or on an operand or the whole expression
 * where the checker complains about an argument or an operand's type.
 */
function claimant(
  file: RewrittenFileView,
  diagnostic: ts.Diagnostic,
): RewrittenOperator | undefined {
  const at = file.maps.spanToOriginal(diagnostic.start!, diagnostic.length ?? 0);
  const end = at.start + at.length;
  const holding = file.operators.filter(
    (o) => o.expression.start <= at.start && at.start < o.expression.end,
  );
  if (holding.length === 0) return undefined;
  if (OPERAND_CODES.has(diagnostic.code)) {
    const whole = holding.find(
      (o) =>
        o.operands.some((s) => s.start === at.start && s.end === end) ||
        (o.expression.start === at.start && o.expression.end === end),
    );
    if (whole) return whole;
  }
  if (!file.maps.isInserted(diagnostic.start!)) return undefined;
  const innermost = holding.sort(
    (a, b) => a.expression.end - a.expression.start - (b.expression.end - b.expression.start),
  );
  return innermost.find(
    (o) =>
      o.token.start === at.start ||
      o.expression.start === at.start ||
      o.operands.some((s) => s.start === at.start),
  );
}

function diagnosticAt(tsi: typeof ts, file: ts.SourceFile, problem: OperandProblem): ts.Diagnostic {
  return {
    category: tsi.DiagnosticCategory.Error,
    code: problem.code,
    file,
    start: problem.start,
    length: problem.end - problem.start,
    messageText: problem.message,
  };
}

/**
 * The last word on an operator whose operands tsc would accept but whose rewritten call the
 * checker refuses (a type that changed under the rewriting): which operator, on which types.
 */
function cannotApply(
  tsi: typeof ts,
  checker: ts.TypeChecker,
  file: RewrittenFileView,
  operator: RewrittenOperator,
): OperandProblem {
  const types = operator.operands.map((operand) => {
    const node = rewrittenNode(tsi, file, operand);
    return node ? checker.typeToString(checker.getTypeAtLocation(node)) : 'unknown';
  });
  const message =
    types.length === 1
      ? `The '${operator.operator}' operator cannot be applied to type '${types[0]}'.`
      : `Operator '${operator.operator}' cannot be applied to types '${types[0]}' and '${types[1]}'.`;
  return { ...operator.expression, code: types.length === 1 ? 2469 : 2365, message };
}

/** The expression in the rewritten text that the user's `span` became, where it was copied. */
function rewrittenNode(
  tsi: typeof ts,
  file: RewrittenFileView,
  span: Span,
): ts.Expression | undefined {
  const at = file.maps.toGenerated(span.start);
  let found: ts.Expression | undefined;
  const visit = (node: ts.Node): void => {
    if (node.getStart(file.rewritten) > at || node.end <= at) return;
    if (
      node.getStart(file.rewritten) === at &&
      !found &&
      tsi.isExpression(node) &&
      file.maps.toOriginal(node.end - 1) < span.end
    ) {
      found = node;
      return;
    }
    tsi.forEachChild(node, visit);
  };
  visit(file.rewritten);
  return found;
}

/**
 * Python's `sum` habit: `xs.reduce((s, x) => s + x * x, 0)` starts the accumulator as a number,
 * which no Value can be added to. tsc says no overload of `reduce` matches (TS2769, at `reduce`);
 * gradscript adds how to write it.
 */
function reduceHint(
  tsi: typeof ts,
  file: RewrittenFileView,
  operator: RewrittenOperator,
): OperandProblem[] | undefined {
  const call = numberSeededReduce(tsi, file.original, (callback) =>
    within(operator.expression, callback),
  );
  if (!call) return undefined;
  const name = call.expression.name;
  return [
    {
      start: name.getStart(file.original),
      end: name.end,
      code: 2769,
      message: `No overload matches this call. ${reduceAdvice(file.original, call)}`,
    },
  ];
}

/** tsc's own diagnostic, with the way to write it where it is about a Python habit that does not carry over. */
function withAdvice<D extends ts.Diagnostic>(
  tsi: typeof ts,
  file: RewrittenFileView,
  diagnostic: D,
): D {
  if (diagnostic.start === undefined) return diagnostic;
  const at = file.maps.toOriginal(diagnostic.start);
  const { messageText } = diagnostic;
  const advice =
    reduceAdviceAt(tsi, file, diagnostic.code, at) ??
    accumulatorAdvice(
      tsi,
      file.original,
      at,
      diagnostic.code,
      tsi.flattenDiagnosticMessageText(messageText, ' '),
    );
  if (advice === undefined) return diagnostic;
  return {
    ...diagnostic,
    messageText: {
      messageText: `${typeof messageText === 'string' ? messageText : messageText.messageText} ${advice}`,
      category: diagnostic.category,
      code: diagnostic.code,
      next: typeof messageText === 'string' ? undefined : messageText.next,
    },
  };
}

/** For tsc's own TS2769 on a number-seeded `reduce` whose callback has rewritten arithmetic, the advice. */
function reduceAdviceAt(
  tsi: typeof ts,
  file: RewrittenFileView,
  code: number,
  at: number,
): string | undefined {
  if (code !== 2769) return undefined;
  const call = numberSeededReduce(
    tsi,
    file.original,
    // tsc puts it at `reduce`, or at the callback when only one overload was left to try.
    (callback, name) =>
      (name.getStart(file.original) === at || callback.getStart(file.original) === at) &&
      file.operators.some((o) => within(o.expression, callback)),
  );
  return call && reduceAdvice(file.original, call);
}

type ReduceCall = ts.CallExpression & { expression: ts.PropertyAccessExpression };

/** The `xs.reduce(callback, 0)` (or `reduceRight`) in `source` that `accepts`, if any. */
function numberSeededReduce(
  tsi: typeof ts,
  source: ts.SourceFile,
  accepts: (callback: ts.Node, name: ts.MemberName) => boolean,
): ReduceCall | undefined {
  let found: ReduceCall | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (
      tsi.isCallExpression(node) &&
      tsi.isPropertyAccessExpression(node.expression) &&
      ['reduce', 'reduceRight'].includes(node.expression.name.text) &&
      node.arguments.length === 2 &&
      tsi.isFunctionLike(node.arguments[0]) &&
      tsi.isNumericLiteral(node.arguments[1]) &&
      accepts(node.arguments[0], node.expression.name)
    )
      found = node as ReduceCall;
    tsi.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function reduceAdvice(source: ts.SourceFile, call: ReduceCall): string {
  const items = call.expression.expression.getText(source);
  const seed = call.arguments[1].getText(source);
  return `The accumulator starts as the number ${seed}, and the callback returns a Value: start it as a Value (new Value(${seed})), or, to add Values up, write Value.sum(${items}.map(…)).`;
}

function within(span: Span, node: ts.Node): boolean {
  return node.pos <= span.start && span.end <= node.end;
}
