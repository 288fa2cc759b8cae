/**
 * Gradient checking as the LxMLS lab does it: nudge one weight up and down, recompute the
 * loss, and compare the slope with the gradient backward() gives.
 */
import type { Value } from '../engine';

export interface GradcheckResult {
  /** Per checked parameter: its index, backward()'s gradient and the finite-difference one. */
  checks: { index: number; analytic: number; numeric: number; relativeError: number }[];
  maxRelativeError: number;
}

/**
 * `loss` must build the loss afresh from the parameters' current data each time it is called.
 * Checks every parameter, or those at `indices`.
 */
export function gradcheck(
  loss: () => Value,
  parameters: readonly Value[],
  { h = 1e-6, indices }: { h?: number; indices?: readonly number[] } = {},
): GradcheckResult {
  for (const p of parameters) p.grad = 0;
  loss().backward();
  const analytic = parameters.map((p) => p.grad);
  const checks = (indices ?? parameters.map((_, i) => i)).map((index) => {
    const p = parameters[index];
    if (!p)
      throw new RangeError(
        `gradcheck: no parameter at index ${index} (there are ${parameters.length})`,
      );
    const original = p.data;
    p.data = original + h;
    const up = loss().data;
    p.data = original - h;
    const down = loss().data;
    p.data = original;
    const numeric = (up - down) / (2 * h);
    const scale = Math.max(Math.abs(analytic[index]), Math.abs(numeric), 1e-12);
    return {
      index,
      analytic: analytic[index],
      numeric,
      relativeError: Math.abs(analytic[index] - numeric) / scale,
    };
  });
  const maxRelativeError = checks.reduce((largest, c) => Math.max(largest, c.relativeError), 0);
  return { checks, maxRelativeError };
}
