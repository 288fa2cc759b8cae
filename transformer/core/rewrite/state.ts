/**
 * The one state a file's rewriting works on: what is planned, what the checker said about types,
 * and what is known about declarations whose types this round changes. Each part of the rewriter
 * (plan.ts, roles.ts, staleness.ts, emit.ts) is a set of functions over it.
 */
import type * as ts from 'typescript';
import type { RewrittenOperator } from '../diagnostics';

export type TypeScript = typeof ts;

/** The name the runtime helpers are imported under. */
export const RUNTIME_NAMESPACE = '__gradscript';
export const DEFAULT_RUNTIME_MODULE = 'gradscript/runtime';

/** What an expression is, as far as rewriting goes. */
export type Role = 'value' | 'maybe' | 'plain';

export type Method = 'add' | 'sub' | 'mul' | 'div' | 'pow';

/** `method`: `a.mul(b)`; `reverse`: `b.rmul(a)`; `helper`: `__gradscript.mul(a, b)`. */
export type Form = 'method' | 'reverse' | 'helper';

export type Plan =
  | { kind: 'binary'; method: Method; role: Role; form: Form }
  | { kind: 'assign'; method: Method; role: Role; form: Form }
  | { kind: 'negate'; role: Role }
  | { kind: 'compare'; left: Role; right: Role }
  /** A runtime helper call from an earlier round whose operands are now known: `a.mul(b)` after all. */
  | { kind: 'settle'; method: Method | 'neg' | 'data'; form: 'method' | 'reverse' };

/** An operator that has no meaning on a Value, such as `%` or `++`. */
export interface OperatorError {
  start: number;
  length: number;
  operator: string;
  /** The whole expression, so TypeScript's own complaints about its operands can give way. */
  expression: { start: number; end: number };
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

/** The operators, by token kind: the ones rewritten, compared, or refused on a Value. */
export interface Operators {
  arithmetic: ReadonlyMap<ts.SyntaxKind, Method>;
  compound: ReadonlyMap<ts.SyntaxKind, Method>;
  comparison: ReadonlySet<ts.SyntaxKind>;
  unsupportedBinary: ReadonlySet<ts.SyntaxKind>;
  unsupportedUnary: ReadonlySet<ts.SyntaxKind>;
}

/** One pass of planning over the file: thrown away whole if the pass is redone (see rewriteSourceFile). */
export interface Planning {
  plans: Map<ts.Node, Plan>;
  /** Nodes with a plan somewhere inside, so copying can skip the subtrees that have none. */
  containsPlan: Set<ts.Node>;
  /** Nodes with a plan or a deferred operator inside: their inferred types are about to change. */
  containsChange: Set<ts.Node>;
  /** Operators left for the next round, when their operands' types are up to date. */
  deferred: Set<ts.Node>;
  /** Operands that are rewritten arithmetic themselves, or names and calls typed by it. */
  arithmeticOperands: Set<ts.Expression>;
  errors: OperatorError[];
  operators: RewrittenOperator[];
  /** Calls of the runtime helpers written by earlier rounds. */
  helperCalls: ts.CallExpression[];
  /** Everything ending before this position is planned: what is known of it is final. */
  plannedUpTo: number;
  /** True once an operand typed `any` was met (see RewriteState.anyRole). */
  sawAnyOperand: boolean;
}

export interface RewriteState {
  readonly tsi: TypeScript;
  readonly checker: ts.TypeChecker;
  readonly sourceFile: ts.SourceFile;
  readonly options: RewriteOptions;
  readonly operators: Operators;
  /** The statement importing the runtime helpers, if an earlier round (or the user) wrote one. */
  readonly runtimeImport: ts.Statement | undefined;
  planning: Planning;
  /**
   * What an `any` operand is taken for. The checker cannot say what it holds, so in a file that
   * works with Values it goes through the runtime helpers, which look at what they get: a
   * Value, or anything else, which gets JavaScript's own operator. Elsewhere it is left alone.
   */
  anyRole: Role;

  // Type roles (roles.ts): answers of the checker, which do not change within a round.
  readonly roles: Map<ts.Type, Role>;
  /** The checker's type of each expression asked about: asking again would redo its flow analysis. */
  readonly types: Map<ts.Expression, ts.Type>;
  /** What a Value's `add` returns: the type of every rewritten operation, once a Value is seen. */
  valueResult: ts.Type | undefined;

  // Staleness (staleness.ts): declarations whose inferred type this round's rewriting changes.
  /** Declarations whose staleness is being decided, so that a cycle of them ends. */
  readonly visiting: Set<ts.Declaration>;
  /** Answers about declarations that are planned: each chain of them is walked once. */
  readonly staleness: Map<ts.Declaration, boolean>;
  readonly declaredRoles: Map<ts.Declaration, Role | undefined>;
}

export function newPlanning(): Planning {
  return {
    plans: new Map(),
    containsPlan: new Set(),
    containsChange: new Set(),
    deferred: new Set(),
    arithmeticOperands: new Set(),
    errors: [],
    operators: [],
    helperCalls: [],
    plannedUpTo: 0,
    sawAnyOperand: false,
  };
}

export function operatorsOf(tsi: TypeScript): Operators {
  const { SyntaxKind } = tsi;
  return {
    arithmetic: new Map([
      [SyntaxKind.PlusToken, 'add'],
      [SyntaxKind.MinusToken, 'sub'],
      [SyntaxKind.AsteriskToken, 'mul'],
      [SyntaxKind.SlashToken, 'div'],
      [SyntaxKind.AsteriskAsteriskToken, 'pow'],
    ]),
    compound: new Map([
      [SyntaxKind.PlusEqualsToken, 'add'],
      [SyntaxKind.MinusEqualsToken, 'sub'],
      [SyntaxKind.AsteriskEqualsToken, 'mul'],
      [SyntaxKind.SlashEqualsToken, 'div'],
      [SyntaxKind.AsteriskAsteriskEqualsToken, 'pow'],
    ]),
    comparison: new Set([
      SyntaxKind.LessThanToken,
      SyntaxKind.LessThanEqualsToken,
      SyntaxKind.GreaterThanToken,
      SyntaxKind.GreaterThanEqualsToken,
    ]),
    unsupportedBinary: new Set([
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
    ]),
    unsupportedUnary: new Set([
      SyntaxKind.PlusPlusToken,
      SyntaxKind.MinusMinusToken,
      SyntaxKind.TildeToken,
      SyntaxKind.PlusToken,
    ]),
  };
}

export function skipParentheses(tsi: TypeScript, node: ts.Expression): ts.Expression {
  while (tsi.isParenthesizedExpression(node)) node = node.expression;
  return node;
}

/** A number or string literal, or a negated number literal. */
export function isLiteral(tsi: TypeScript, node: ts.Expression): boolean {
  const inner = skipParentheses(tsi, node);
  return (
    tsi.isNumericLiteral(inner) ||
    tsi.isStringLiteralLike(inner) ||
    (tsi.isPrefixUnaryExpression(inner) && tsi.isNumericLiteral(inner.operand))
  );
}
