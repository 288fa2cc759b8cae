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
 *   w[i()] *= y    ->  (__gradscript1 = i(), w[__gradscript1] = w[__gradscript1].mul(y))
 *   a < b          ->  a.data < b.data
 *
 * Planning (plan.ts) decides what each operator becomes, asking roles.ts what its operands are
 * and staleness.ts whether the checker's answer is up to date; emit.ts then writes the text.
 */
import type * as ts from 'typescript';
import type { RewrittenOperator } from '../diagnostics';
import type { PositionMap } from '../position-map';
import { writeChildren } from './emit';
import { Output } from './output';
import { callsRuntime, importsValueClass, plan } from './plan';
import { findRuntimeImport, firstStatementPosition, runtimeImportText } from './runtime-import';
import {
  newPlanning,
  operatorsOf,
  type OperatorError,
  type RewriteOptions,
  type RewriteState,
} from './state';
import { declarationOf, planTemporaries } from './temporaries';

export {
  DEFAULT_RUNTIME_MODULE,
  RUNTIME_NAMESPACE,
  type OperatorError,
  type RewriteOptions,
  type TypeScript,
} from './state';

export interface Rewrite {
  /** The rewritten text, or undefined when nothing needed rewriting. */
  text?: string;
  map?: PositionMap;
  /** Operators that have no meaning on a Value, positioned in the input text. */
  errors: OperatorError[];
  /** The operators rewritten in this round, positioned in the input text. */
  operators: RewrittenOperator[];
}

/** The message for an OperatorError found at `where` (file:line:column). */
export function operatorErrorMessage(operator: string, where: string): string {
  return `gradscript: the operator '${operator}' has no meaning on a Value (${where}); ${hintFor(operator)}`;
}

export function rewriteSourceFile(
  tsi: typeof ts,
  checker: ts.TypeChecker,
  sourceFile: ts.SourceFile,
  options: RewriteOptions = {},
): Rewrite {
  const s: RewriteState = {
    tsi,
    checker,
    sourceFile,
    options,
    operators: operatorsOf(tsi),
    runtimeImport: findRuntimeImport(tsi, sourceFile),
    planning: newPlanning(),
    anyRole: 'plain',
    roles: new Map(),
    types: new Map(),
    valueResult: undefined,
    visiting: new Set(),
    staleness: new Map(),
    declaredRoles: new Map(),
  };
  plan(s, sourceFile);
  // An `any` operand is taken for a possible Value only in a file that works with Values, which
  // the first pass tells; then the file is planned again.
  if (s.planning.sawAnyOperand && touchesValues(s)) {
    s.anyRole = 'maybe';
    s.planning = newPlanning();
    plan(s, sourceFile);
  }
  const { plans, errors, operators, helperCalls } = s.planning;
  const needsRuntime =
    [...plans.values()].some(callsRuntime) || helperCalls.some((call) => !plans.has(call));
  // A file whose last helper call settled into a method call no longer needs the import.
  const runtimeImport = s.runtimeImport;
  const dropImport = runtimeImport !== undefined && !needsRuntime;
  const addImport = runtimeImport === undefined && needsRuntime;
  if (plans.size === 0 && !dropImport) return { errors, operators };

  const out = new Output(sourceFile.text);
  const temporaries = planTemporaries(s);
  const fileTemporaries = temporaries.byScope.get(sourceFile);
  const first =
    (addImport ? runtimeImportText(tsi, sourceFile, options) : '') +
    (fileTemporaries ? `${declarationOf(fileTemporaries)} ` : '');
  let start = 0;
  if (dropImport) {
    start = runtimeImport.getStart(sourceFile);
    out.copy(0, start);
    out.insert(first, start);
    start = runtimeImport.end;
    while (sourceFile.text[start] === ' ') start++;
  } else if (first) {
    start = firstStatementPosition(tsi, sourceFile);
    out.copy(0, start);
    out.insert(first, start);
  }
  writeChildren({ s, out, temporaries }, sourceFile, start);
  return { text: out.text, map: out.map, errors, operators };
}

/** True when the file works with Values: it rewrites operators, or imports the runtime or a Value. */
function touchesValues(s: RewriteState): boolean {
  const { plans, deferred, helperCalls } = s.planning;
  return (
    plans.size > 0 ||
    deferred.size > 0 ||
    s.runtimeImport !== undefined ||
    helperCalls.length > 0 ||
    importsValueClass(s)
  );
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
