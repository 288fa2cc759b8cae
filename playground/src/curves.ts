/**
 * The training curves as an SVG chart: the loss, and dashed the test points' loss, against the
 * left axis (linear or logarithmic),
 * the accuracy against the right (0 to 100%; none for regression), the steps along the bottom.
 */
import { linearTicks, logTicks, thin, tickLabel } from './scales';

export interface Progress {
  step: number;
  loss: number;
  /** NaN when there are no test points. */
  testLoss: number;
  accuracy: number;
}

const SVG = 'http://www.w3.org/2000/svg';
/** The plot's area inside the chart's 400 × 200 box; the margins hold the ticks' numbers. */
const PLOT = { left: 46, right: 358, top: 10, bottom: 168 };
const ACCURACY_TICKS = [0, 0.25, 0.5, 0.75, 1];

function element(name: string, attributes: Record<string, string | number>, text?: string) {
  const made = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) made.setAttribute(key, String(value));
  if (text !== undefined) made.textContent = text;
  return made;
}

/**
 * Redraws the chart of the history, the loss on a logarithmic axis when `logLoss`, the accuracy
 * and its axis when `withAccuracy` (not for regression, which has none).
 */
export function drawCurves(
  chart: SVGSVGElement,
  history: readonly Progress[],
  logLoss: boolean,
  withAccuracy: boolean,
) {
  const last = history.length > 0 ? history[history.length - 1].step : 0;
  // Whole steps: an axis at least 5 long never ticks halves.
  const steps = linearTicks(0, Math.max(5, last));
  const x = (step: number) =>
    PLOT.left + (step / steps[steps.length - 1]) * (PLOT.right - PLOT.left);
  // A logarithmic axis shows the positive losses; a loss of 0 (a hinge loss can reach it) lies
  // on its floor.
  const losses = history
    .flatMap((h) => [h.loss, h.testLoss])
    .filter((loss) => Number.isFinite(loss) && (!logLoss || loss > 0));
  const [least, most] = losses.length > 0 ? [Math.min(...losses), Math.max(...losses)] : [0.1, 1];
  const lossTicks = logLoss ? logTicks(least, most) : linearTicks(0, most);
  const [floor, ceiling] = [lossTicks[0], lossTicks[lossTicks.length - 1]].map((t) =>
    logLoss ? Math.log10(t) : t,
  );
  const height = PLOT.bottom - PLOT.top;
  const lossY = (loss: number) => {
    // NaN (no test points, or a loss that ran away) stays NaN, and is not drawn.
    const at = !logLoss || Number.isNaN(loss) ? loss : loss > 0 ? Math.log10(loss) : floor;
    return PLOT.bottom - ((at - floor) / (ceiling - floor)) * height;
  };
  const accuracyY = (accuracy: number) => PLOT.bottom - accuracy * height;

  const parts: SVGElement[] = [];
  for (const tick of lossTicks) {
    const y = lossY(tick);
    parts.push(
      element('line', { class: 'grid', x1: PLOT.left, x2: PLOT.right, y1: y, y2: y }),
      element(
        'text',
        { class: 'tick loss', x: PLOT.left - 5, y, 'text-anchor': 'end' },
        tickLabel(tick),
      ),
    );
  }
  for (const tick of withAccuracy ? ACCURACY_TICKS : []) {
    const y = accuracyY(tick);
    parts.push(
      element('line', { class: 'mark', x1: PLOT.right, x2: PLOT.right + 4, y1: y, y2: y }),
      element('text', { class: 'tick accuracy', x: PLOT.right + 7, y }, `${100 * tick}%`),
    );
  }
  for (const tick of steps) {
    const at = x(tick);
    parts.push(
      element('line', { class: 'mark', x1: at, x2: at, y1: PLOT.bottom, y2: PLOT.bottom + 4 }),
      element(
        'text',
        { class: 'tick step', x: at, y: PLOT.bottom + 14, 'text-anchor': 'middle' },
        tickLabel(tick),
      ),
    );
  }
  parts.push(
    element(
      'text',
      {
        class: 'title',
        x: (PLOT.left + PLOT.right) / 2,
        y: PLOT.bottom + 29,
        'text-anchor': 'middle',
      },
      'step',
    ),
    element('rect', {
      class: 'frame',
      x: PLOT.left,
      y: PLOT.top,
      width: PLOT.right - PLOT.left,
      height,
    }),
  );
  // As many points as the plot is pixels wide: more would draw nothing more.
  const drawn = thin(history, PLOT.right - PLOT.left);
  parts.push(
    curve(drawn, (h) => [x(h.step), lossY(h.loss)], 'loss'),
    curve(drawn, (h) => [x(h.step), lossY(h.testLoss)], 'test-loss'),
  );
  if (withAccuracy) parts.push(curve(drawn, (h) => [x(h.step), accuracyY(h.accuracy)], 'accuracy'));
  chart.replaceChildren(...parts);
}

/** A line through the points, broken where a value is not a number (the loss ran away). */
function curve(
  history: readonly Progress[],
  at: (h: Progress) => [number, number],
  which: 'loss' | 'test-loss' | 'accuracy',
): SVGElement {
  let path = '';
  let broken = true;
  for (const h of history) {
    const [x, y] = at(h);
    if (!Number.isFinite(y)) {
      broken = true;
      continue;
    }
    path += `${broken ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
    broken = false;
  }
  return element('path', { class: `curve ${which}`, d: path });
}
