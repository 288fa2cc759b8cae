/**
 * Gradient checking as the LxMLS lab does it: nudge one weight up and down, recompute the
 * loss, and compare the slope with the gradient backward() gives. At order 2 the same for
 * second derivatives: nudge one weight, recompute the gradient (with grad), and compare its
 * slope with the second derivatives grad gives.
 */
import type { Value } from '../engine';
import { grad } from '../grad';

export interface GradcheckResult {
  /**
   * Per check: the parameter index, the analytic derivative, the finite-difference one and
   * their relative error. At order 1 one check per checked parameter, d loss / d p[index]; at
   * order 2 one per checked parameter and gradient entry, d² loss / (d p[index] d p[wrt]).
   */
  checks: {
    index: number;
    wrt?: number;
    analytic: number;
    numeric: number;
    relativeError: number;
  }[];
  maxRelativeError: number;
}

export interface GradcheckOptions {
  /** The step of the central differences. */
  h?: number;
  /** The parameters to nudge (all by default). */
  indices?: readonly number[];
  /** 1: check the gradient (backward()'s); 2: check the second derivatives (grad's). */
  order?: 1 | 2;
}

/**
 * `loss` must build the loss afresh from the parameters' current data each time it is called.
 * Checks every parameter, or those at `indices`. At order 1 it sets the parameters' `.grad`
 * (it runs backward()); at order 2 it leaves them as they were.
 */
export function gradcheck(
  loss: () => Value,
  parameters: readonly Value[],
  { h = 1e-6, indices, order = 1 }: GradcheckOptions = {},
): GradcheckResult {
  if (order !== 1 && order !== 2) {
    throw new RangeError(`gradcheck: order must be 1 or 2, got ${String(order)}`);
  }
  const checked = indices ?? parameters.map((_, i) => i);
  for (const index of checked) {
    if (!parameters[index])
      throw new RangeError(
        `gradcheck: no parameter at index ${index} (there are ${parameters.length})`,
      );
  }
  const checks =
    order === 1
      ? firstOrder(loss, parameters, checked, h)
      : secondOrder(loss, parameters, checked, h);
  const maxRelativeError = checks.reduce((largest, c) => Math.max(largest, c.relativeError), 0);
  return { checks, maxRelativeError };
}

function firstOrder(
  loss: () => Value,
  parameters: readonly Value[],
  indices: readonly number[],
  h: number,
): GradcheckResult['checks'] {
  for (const p of parameters) p.grad = 0;
  loss().backward();
  const analytic = parameters.map((p) => p.grad);
  return indices.map((index) => {
    const numeric = slope(parameters[index], h, () => [loss().data])[0];
    return { index, ...compared(analytic[index], numeric) };
  });
}

/**
 * For each nudged parameter p[j], the slope of the whole gradient (column j of the Hessian)
 * against row j of the Hessian, which one double backward gives: the Hessian is symmetric, so
 * they are the same numbers when both derivatives are right.
 */
function secondOrder(
  loss: () => Value,
  parameters: readonly Value[],
  indices: readonly number[],
  h: number,
): GradcheckResult['checks'] {
  const gradient = () => grad(loss(), parameters).map((g) => g.data);
  const first = grad(loss(), parameters, { createGraph: true });
  return indices.flatMap((wrt) => {
    const analytic = grad(first[wrt], parameters).map((g) => g.data);
    const numeric = slope(parameters[wrt], h, gradient);
    return analytic.map((a, index) => ({ index, wrt, ...compared(a, numeric[index]) }));
  });
}

/** The central-difference slope of each of f's numbers as p is nudged by ±h; p is put back. */
function slope(p: Value, h: number, f: () => number[]): number[] {
  const original = p.data;
  p.data = original + h;
  const up = f();
  p.data = original - h;
  const down = f();
  p.data = original;
  return up.map((u, i) => (u - down[i]) / (2 * h));
}

function compared(analytic: number, numeric: number) {
  const scale = Math.max(Math.abs(analytic), Math.abs(numeric), 1e-12);
  return { analytic, numeric, relativeError: Math.abs(analytic - numeric) / scale };
}
