/**
 * When training counts as diverged: one rule for the training loop (scripts, `gradscript train`)
 * and the playground. No Node here: the page's worker imports it.
 */

/** How many times its first value the loss may grow before training counts as diverged. */
export const DIVERGENCE_FACTOR = 1e6;

/** Whether a step's loss has run away from the first step's: not finite, or DIVERGENCE_FACTOR times it. */
export function hasDiverged(loss: number, firstLoss: number): boolean {
  return !Number.isFinite(loss) || (firstLoss > 0 && loss > DIVERGENCE_FACTOR * firstLoss);
}

/** The loss turned non-finite, or grew DIVERGENCE_FACTOR-fold: the learning rate is too large. */
export class DivergenceError extends Error {
  override name = 'DivergenceError';

  constructor(
    /** The step, counted from 0, whose loss ran away. */
    readonly step: number,
    readonly loss: number,
    readonly firstLoss: number,
  ) {
    const from = step === 0 ? '' : `, from ${firstLoss.toPrecision(4)} at step 1`;
    super(
      `training diverged: the loss became ${loss.toPrecision(4)} at step ${step + 1}${from}; try a smaller learning rate`,
    );
  }
}
