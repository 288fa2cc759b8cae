/**
 * The names view's loss curve: each step's loss (one name each, so it jumps about), and through
 * it the mean of the last MEAN_OF steps, which shows the trend; the steps along the bottom, to
 * the run's last, so that the curve's length shows how far training has got.
 */
import { linearTicks, thin, tickLabel } from '../scales';

const SVG = 'http://www.w3.org/2000/svg';
/** The plot's area inside the chart's 400 × 200 box; the margins hold the ticks' numbers. */
const PLOT = { left: 36, right: 376, top: 10, bottom: 168 };
/** How many steps the mean line averages. */
export const MEAN_OF = 50;

function element(name: string, attributes: Record<string, string | number>, text?: string) {
  const made = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) made.setAttribute(key, String(value));
  if (text !== undefined) made.textContent = text;
  return made;
}

/** The mean of each step's loss and the MEAN_OF - 1 before it (fewer at the start). */
export function runningMean(losses: readonly number[]): number[] {
  let sum = 0;
  return losses.map((loss, i) => {
    sum += loss - (i >= MEAN_OF ? losses[i - MEAN_OF] : 0);
    return sum / Math.min(i + 1, MEAN_OF);
  });
}

/** Redraws the chart: `losses[i]` is step i + 1's loss, of `numSteps`. */
export function drawLossCurve(chart: SVGSVGElement, losses: readonly number[], numSteps: number) {
  const steps = linearTicks(0, numSteps);
  const x = (step: number) =>
    PLOT.left + (step / steps[steps.length - 1]) * (PLOT.right - PLOT.left);
  const lossTicks = linearTicks(0, losses.length > 0 ? Math.max(...losses) : 4);
  const top = lossTicks[lossTicks.length - 1];
  const y = (loss: number) => PLOT.bottom - (loss / top) * (PLOT.bottom - PLOT.top);
  const parts: SVGElement[] = [];
  for (const tick of lossTicks) {
    parts.push(
      element('line', { class: 'grid', x1: PLOT.left, x2: PLOT.right, y1: y(tick), y2: y(tick) }),
      element(
        'text',
        { class: 'tick', x: PLOT.left - 5, y: y(tick), 'text-anchor': 'end' },
        tickLabel(tick),
      ),
    );
  }
  for (const tick of steps) {
    parts.push(
      element(
        'text',
        { class: 'tick', x: x(tick), y: PLOT.bottom + 14, 'text-anchor': 'middle' },
        tickLabel(tick),
      ),
    );
  }
  parts.push(
    element(
      'text',
      { class: 'title', x: (PLOT.left + PLOT.right) / 2, y: 197, 'text-anchor': 'middle' },
      'step',
    ),
    element('rect', {
      class: 'frame',
      x: PLOT.left,
      y: PLOT.top,
      width: PLOT.right - PLOT.left,
      height: PLOT.bottom - PLOT.top,
    }),
  );
  // As many points as the plot is pixels wide: more would draw nothing more.
  const width = PLOT.right - PLOT.left;
  const line = (values: readonly number[], which: string) => {
    const points = thin(
      values.map((value, i) => [x(i + 1), y(value)]),
      width,
    );
    const d = points.map(
      ([px, py], i) => `${i === 0 ? 'M' : 'L'}${px.toFixed(1)} ${py.toFixed(1)}`,
    );
    return element('path', { class: `curve ${which}`, d: d.join('') });
  };
  parts.push(line(losses, 'step-loss'), line(runningMean(losses), 'mean-loss'));
  chart.replaceChildren(...parts);
}
