/**
 * The argument checks shared across the library. Each returns the value it was given, typed as
 * what it checked, or throws an error that names the argument and shows what it got.
 */

/** Returns `value` if it is one of `choices`, else throws an error that lists them. */
export function checkChoice<T extends string>(
  what: string,
  value: string,
  choices: readonly T[],
): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new Error(`unknown ${what} '${value}': expected one of ${choices.join(', ')}`);
  }
  return value as T;
}

/** Throws unless `n` is a whole number of at least 1. */
export function checkPositiveInteger(what: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw new RangeError(`${what} must be a positive whole number, got ${String(n)}`);
  return n;
}

/** Throws unless `x` is a finite number of at least 0 (an L2 weight, say). */
export function checkNonNegative(what: string, x: unknown): number {
  if (typeof x !== 'number' || !(x >= 0) || !Number.isFinite(x))
    throw new RangeError(`${what} must be a finite number of at least 0, got ${String(x)}`);
  return x;
}

/** Throws unless `x` is in [0, 1) (a momentum or a decay rate). */
export function checkFraction(what: string, x: unknown): number {
  if (typeof x !== 'number' || !(x >= 0 && x < 1))
    throw new RangeError(`${what} must be in [0, 1), got ${String(x)}`);
  return x;
}
