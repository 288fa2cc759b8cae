/**
 * The arithmetic of the pictures, apart from the page so that jest can check it: where an
 * axis's ticks go and how they read, how many points of a long curve to draw, the colour a
 * gradient's size gets, and where to scroll to zoom about a point.
 */

/**
 * Ticks for a linear axis from `low` to `high`: round numbers (1, 2 or 5 times a power of ten
 * apart), about `count` of them, from one at or below `low` to one at or above `high`. The
 * first and the last are the axis's ends.
 */
export function linearTicks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) high = low + 1;
  const rough = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const first = Math.floor(low / step + 1e-9);
  const last = Math.ceil(high / step - 1e-9);
  const ticks: number[] = [];
  // Multiples of the step, rounded: 3 × 0.1 is 0.30000000000000004.
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Ticks for a logarithmic axis: the powers of ten from one at or below `low` to one at or above `high`. */
export function logTicks(low: number, high: number): number[] {
  const first = Math.floor(Math.log10(low) + 1e-9);
  const last = Math.max(first + 1, Math.ceil(Math.log10(high) - 1e-9));
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(Number((10 ** k).toPrecision(12)));
  return ticks;
}

/** A tick's number, short: 0.5, 1000, 1e-5. */
export function tickLabel(value: number): string {
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(0);
  return String(value);
}

/**
 * At most `most` of the items, evenly spread and the first and the last always among them: a
 * curve of many thousand steps drawn with a few hundred points, as many as it has pixels.
 */
export function thin<T>(items: readonly T[], most: number): readonly T[] {
  if (items.length <= most) return items;
  return Array.from(
    { length: most },
    (_, i) => items[Math.round((i * (items.length - 1)) / (most - 1))],
  );
}

const GRAD_COLOURS = { none: [255, 255, 255], largest: [245, 140, 40] } as const;

/** The colour of a gradient's size, as a share of the largest: from white (none) to orange. */
export function gradColour(share: number): string {
  const t = Number.isFinite(share) ? Math.min(1, Math.max(0, share)) : 0;
  const [r, g, b] = GRAD_COLOURS.none.map((from, c) =>
    Math.round(from + t * (GRAD_COLOURS.largest[c] - from)),
  );
  return `rgb(${r}, ${g}, ${b})`;
}

/**
 * Where to scroll, along one axis, after the scale of what is scrolled changes from `before` to
 * `after`, so that what was `focus` pixels into the view stays there.
 */
export function scrollAfterZoom(
  scroll: number,
  focus: number,
  before: number,
  after: number,
): number {
  return Math.max(0, ((scroll + focus) * after) / before - focus);
}
