import { Value } from '../src';

/** Central finite difference of `f` at `x` (f takes plain numbers). */
export function numericGradient(
  f: (xs: number[]) => number,
  xs: number[],
  i: number,
  h = 1e-6,
): number {
  const plus = [...xs];
  const minus = [...xs];
  plus[i] += h;
  minus[i] -= h;
  return (f(plus) - f(minus)) / (2 * h);
}

/** Runs `f` on Values made from `xs`, backpropagates, and returns the output and the leaves' gradients. */
export function autogradGradient(
  f: (vs: Value[]) => Value,
  xs: number[],
): { out: number; grads: number[] } {
  const vs = xs.map((x) => new Value(x));
  const out = f(vs);
  out.backward();
  return { out: out.data, grads: vs.map((v) => v.grad) };
}

/** Relative closeness, with an absolute floor for values near zero. */
export function expectClose(actual: number, expected: number, rel = 1e-9, abs = 1e-12): void {
  const tolerance = Math.max(abs, rel * Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`expected ${actual} to be within ${tolerance} of ${expected}`);
  }
}
