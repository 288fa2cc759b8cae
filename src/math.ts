/**
 * Functions of plain numbers that more than one part of gradscript computes, written once so
 * that they agree to the last bit wherever they are used.
 */

/** The logistic function 1 / (1 + e^-x); each branch exponentiates a non-positive number, so neither overflows. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
