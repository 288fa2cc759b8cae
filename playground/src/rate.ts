/**
 * The steps per second the page shows while playing: counted over the last few seconds, not the
 * last reply, so that the figure moves smoothly instead of jumping with each one.
 */

/** How far back the steps are counted. */
export const RATE_WINDOW_MS = 2000;

export class StepRate {
  /** The step count at each moment noted, oldest first, none older than the window. */
  private readonly notes: { step: number; at: number }[] = [];

  /** The step count at a moment (in ms, increasing). */
  note(step: number, at: number): void {
    this.notes.push({ step, at });
    while (this.notes.length > 2 && at - this.notes[1].at >= RATE_WINDOW_MS) this.notes.shift();
  }

  /** Steps a second over the window; 0 until two moments are noted. */
  get perSecond(): number {
    const first = this.notes[0];
    const last = this.notes[this.notes.length - 1];
    if (!first || last.at <= first.at) return 0;
    return ((last.step - first.step) * 1000) / (last.at - first.at);
  }

  /** Forgets every moment: playing starts again, or another model is shown. */
  clear(): void {
    this.notes.length = 0;
  }
}

/**
 * A rate as shown: two significant figures, so that it does not flicker in its last digits, and
 * no thousands separator, so that it reads back as a number.
 */
export function rateText(perSecond: number): string {
  return perSecond > 0 ? String(Number(perSecond.toPrecision(2))) : '0';
}
