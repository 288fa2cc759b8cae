/**
 * Training charts as Vega-Lite specifications, rendered to SVG by Vega in Node. Building a
 * spec is plain data (and tested as such); rendering loads the ESM-only Vega packages.
 */
import type { StepInfo } from '../train/loop';

type Spec = Record<string, unknown>;

/** Loss (and accuracy, when there is one) per step. */
export function lossChart(history: readonly StepInfo[]): Spec {
  const values = history.flatMap((h) => [
    { step: h.step, measure: 'loss', value: h.loss },
    ...(h.accuracy === undefined ? [] : [{ step: h.step, measure: 'accuracy', value: h.accuracy }]),
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Training',
    width: 480,
    height: 240,
    data: { values },
    mark: { type: 'line', interpolate: 'monotone' },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'value', type: 'quantitative', title: null },
      row: { field: 'measure', type: 'nominal', title: null, sort: ['loss', 'accuracy'] },
      color: { field: 'measure', type: 'nominal', legend: null },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/**
 * The decision regions of a 2-D classifier (`predict` gives a class for a point) on a grid
 * covering the data, with the data points on top.
 */
export function boundaryChart(
  x: readonly number[][],
  y: readonly number[],
  predict: (point: number[]) => number,
  resolution = 60,
): Spec {
  if (x.some((p) => p.length !== 2))
    throw new Error('a decision boundary can only be drawn for 2-D inputs');
  const [xs, ys] = [0, 1].map((d) => x.map((p) => p[d]));
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const pad = 0.1 * Math.max(x1 - x0, y1 - y0);
  const cells = [];
  const dx = (x1 - x0 + 2 * pad) / resolution;
  const dy = (y1 - y0 + 2 * pad) / resolution;
  for (let i = 0; i < resolution; i++) {
    for (let j = 0; j < resolution; j++) {
      const cx = x0 - pad + (i + 0.5) * dx;
      const cy = y0 - pad + (j + 0.5) * dy;
      cells.push({
        x: cx - dx / 2,
        x2: cx + dx / 2,
        y: cy - dy / 2,
        y2: cy + dy / 2,
        class: String(predict([cx, cy])),
      });
    }
  }
  const points = x.map((p, i) => ({ x: p[0], y: p[1], class: String(y[i]) }));
  const scale = { domain: [x0 - pad, x1 + pad], nice: false, zero: false };
  const yScale = { domain: [y0 - pad, y1 + pad], nice: false, zero: false };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Decision regions',
    width: 400,
    height: 400,
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect', opacity: 0.35 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale, title: 'x1' },
          x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative', scale: yScale, title: 'x2' },
          y2: { field: 'y2' },
          color: { field: 'class', type: 'nominal', title: 'class' },
        },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 30, stroke: 'black', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale },
          y: { field: 'y', type: 'quantitative', scale: yScale },
          color: { field: 'class', type: 'nominal' },
        },
      },
    ],
  };
}

/** Renders a Vega-Lite spec to SVG text. */
export async function renderChart(spec: Spec): Promise<string> {
  // Both packages are ES modules (vega-lite with top-level await): only import() loads them.
  const [vegaLite, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const compiled = vegaLite.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
