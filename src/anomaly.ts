/**
 * Anomaly detection, as PyTorch's detect_anomaly: inside `detectAnomaly(fn)`, the first
 * operation whose result or gradient is NaN or ±Infinity throws an AnomalyError naming it.
 *
 * It works by wrapping the Value operations for the duration of `fn` and putting them back
 * afterwards, so it costs nothing when it is off.
 */
import { Value } from './engine';

export class AnomalyError extends Error {
  override name = 'AnomalyError';
}

const OPERATIONS = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'neg',
  'relu',
  'tanh',
  'sigmoid',
  'exp',
  'log',
] as const;
let depth = 0;

/** Runs `fn` with every operation and every backward step checked for NaN and ±Infinity. */
export function detectAnomaly<T>(fn: () => T): T {
  if (depth > 0) return fn();
  const prototype = Value.prototype as unknown as Record<string, (...args: unknown[]) => Value>;
  const originals = OPERATIONS.map((name) => [name, prototype[name]] as const);
  const { sum: originalSum, weightedSum: originalWeightedSum } = Value;
  for (const [name, original] of originals) {
    prototype[name] = function (this: Value, ...args: unknown[]) {
      return checked(original.apply(this, args));
    };
  }
  Value.sum = (terms) => checked(originalSum(terms));
  Value.weightedSum = (bias, weights, inputs) =>
    checked(originalWeightedSum(bias, weights, inputs));
  depth++;
  try {
    return fn();
  } finally {
    depth--;
    for (const [name, original] of originals) prototype[name] = original;
    Value.sum = originalSum;
    Value.weightedSum = originalWeightedSum;
  }
}

/**
 * Whether detectAnomaly is running. grad builds its derivatives from checked operations then,
 * even when it is asked for numbers only.
 */
export function detectingAnomaly(): boolean {
  return depth > 0;
}

/** Checks a new node's value, and gives it a backward step that checks its operands' gradients. */
function checked(out: Value): Value {
  if (!Number.isFinite(out.data))
    throw new AnomalyError(`${describe(out)} produced ${out.data} from ${operands(out)}`);
  const backward = out._backward;
  out._backward = function (this: Value) {
    backward.call(this);
    const bad = this.children.find((c) => !Number.isFinite(c.grad));
    if (bad) {
      throw new AnomalyError(
        `the gradient through ${describe(this)} (data ${this.data}, grad ${this.grad}) made an operand's gradient ${bad.grad}; operands ${operands(this)}`,
      );
    }
  };
  return out;
}

function describe(node: Value): string {
  return `'${node.op}'${node.label ? ` (label '${node.label}')` : ''}`;
}

function operands(node: Value): string {
  return `[${node.children.map((c) => (c.label ? `${c.label}=${c.data}` : String(c.data))).join(', ')}]`;
}
