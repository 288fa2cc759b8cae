/**
 * Training charts as Vega-Lite specifications, rendered to SVG by Vega in Node. Building a
 * spec is plain data (and tested as such); rendering loads the ESM-only Vega packages.
 *
 * A chart's size does not grow with the data: a loss curve averages long histories into at most
 * MAX_LINE_POINTS points, the decision regions are one embedded image, and at most MAX_POINTS
 * data points are drawn, so that any chart stays well under a megabyte.
 */
import type { Dataset } from '../data/datasets';
import { rangeOf, rowCount, rowOf, tableOf, type Table } from '../data/table';
import { palettePng } from './png';

type Spec = Record<string, unknown>;

export const MAX_LINE_POINTS = 500;
export const MAX_POINTS = 2000;
/** Vega's own category colours (tableau10), so that regions and points share them. */
const PALETTE = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
];
/** The most classes whose regions have colours of their own. */
export const MAX_REGION_CLASSES = PALETTE.length;

/** What a loss chart draws of a training step (the training loop's StepInfo has these and more). */
export interface ChartedStep {
  step: number;
  loss: number;
  accuracy?: number;
}

/** Loss (and accuracy, when there is one) per step; long histories as means over equal runs of steps. */
export function lossChart(history: readonly ChartedStep[]): Spec {
  const per = Math.max(1, Math.ceil(history.length / MAX_LINE_POINTS));
  const values = [];
  for (let start = 0; start < history.length; start += per) {
    const run = history.slice(start, start + per);
    const mean = (measure: (h: ChartedStep) => number) =>
      run.reduce((sum, h) => sum + measure(h), 0) / run.length;
    const step = run[run.length - 1].step;
    values.push({ step, measure: 'loss', value: mean((h) => h.loss) });
    if (run[0].accuracy !== undefined)
      values.push({ step, measure: 'accuracy', value: mean((h) => h.accuracy ?? NaN) });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: per === 1 ? 'Training' : `Training (each point the mean of ${per} steps)`,
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

export interface BoundaryOptions {
  /** Pixels per side of the image of the regions (160 by default). */
  resolution?: number;
  /** The most data points to draw (MAX_POINTS by default): evenly spaced rows when there are more. */
  maxPoints?: number;
  /** What to call each class in the legend (its index by default): the labels in the data, say. */
  classNames?: readonly string[];
}

/**
 * The decision regions of a 2-D classifier over the data, with the data points on top.
 * `classify` gives the class of each of a batch of points (the centres of the image's pixels).
 */
export function boundaryChart(
  data: Dataset | Table,
  classify: (points: number[][]) => ArrayLike<number>,
  options?: BoundaryOptions,
): Spec;
/** The same from points, their classes and `predict`, the class of one point (or the resolution). */
export function boundaryChart(
  x: readonly (readonly number[])[],
  y: readonly number[],
  predict: (point: number[]) => number,
  options?: number | BoundaryOptions,
): Spec;
export function boundaryChart(
  ...args:
    | [Dataset | Table, (points: number[][]) => ArrayLike<number>, BoundaryOptions?]
    | [
        readonly (readonly number[])[],
        readonly number[],
        (point: number[]) => number,
        (number | BoundaryOptions)?,
      ]
): Spec {
  if (args.length >= 3 && Array.isArray(args[1])) {
    const [x, y, predict, options] = args as [
      readonly (readonly number[])[],
      readonly number[],
      (point: number[]) => number,
      (number | BoundaryOptions)?,
    ];
    return regionsChart(
      tableOf({ x: x.map((row) => [...row]), y: [...y] }),
      (points) => points.map(predict),
      typeof options === 'number' ? { resolution: options } : options,
    );
  }
  const [data, classify, options] = args as [
    Dataset | Table,
    (points: number[][]) => ArrayLike<number>,
    BoundaryOptions?,
  ];
  if (typeof classify !== 'function')
    throw new TypeError(
      'boundaryChart takes (data, classify, options) or (x, y, predict, options)',
    );
  return regionsChart(tableOf(data), classify, options);
}

function regionsChart(
  table: Table,
  classify: (points: number[][]) => ArrayLike<number>,
  { resolution = 160, maxPoints = MAX_POINTS, classNames }: BoundaryOptions = {},
): Spec {
  if (table.columns.length !== 2)
    throw new Error('a decision boundary can only be drawn for 2-D inputs');
  if (!(Number.isInteger(resolution) && resolution >= 1 && resolution <= 1000))
    throw new RangeError(`resolution must be a whole number from 1 to 1000, got ${resolution}`);
  if (!(Number.isInteger(maxPoints) && maxPoints >= 0))
    throw new RangeError(`maxPoints must be a whole number, got ${maxPoints}`);
  const [[x0, x1], [y0, y1]] = table.columns.map(rangeOf);
  // A tenth of the larger side on every side (or 1, when all the points coincide).
  const pad = 0.1 * Math.max(x1 - x0, y1 - y0) || 1;
  const [left, right, bottom, top] = [x0 - pad, x1 + pad, y0 - pad, y1 + pad];
  const centres: number[][] = [];
  for (let row = 0; row < resolution; row++) {
    for (let col = 0; col < resolution; col++) {
      centres.push([
        left + ((col + 0.5) * (right - left)) / resolution,
        top - ((row + 0.5) * (top - bottom)) / resolution,
      ]);
    }
  }
  const predicted = classify(centres);
  if (predicted.length !== centres.length)
    throw new Error(`classify gave ${predicted.length} classes for ${centres.length} points`);
  const regions = new Uint8Array(centres.length);
  for (let i = 0; i < centres.length; i++) {
    const c = predicted[i];
    if (!(Number.isInteger(c) && c >= 0 && c < MAX_REGION_CLASSES))
      throw new Error(
        `classify gave ${c} for a point: expected a class index from 0 to ${MAX_REGION_CLASSES - 1}`,
      );
    regions[i] = c;
  }
  const rows = rowCount(table);
  const shown = Math.min(rows, maxPoints);
  const points = Array.from({ length: shown }, (_, k) => {
    const i = Math.floor((k * rows) / shown);
    const [x, y] = rowOf(table, i);
    return { x, y, class: table.target[i] };
  });
  let classes = table.classes ?? 0;
  for (const c of regions) classes = Math.max(classes, c + 1);
  for (const p of points) classes = Math.max(classes, p.class + 1);
  if (classes > MAX_REGION_CLASSES) {
    throw new Error(
      `decision regions are drawn for up to ${MAX_REGION_CLASSES} classes, not ${classes}`,
    );
  }
  const names = Array.from({ length: classes }, (_, k) => classNames?.[k] ?? String(k));
  const png = palettePng(resolution, resolution, regions, PALETTE);
  const x = { domain: [left, right], nice: false, zero: false };
  const y = { domain: [bottom, top], nice: false, zero: false };
  const color = {
    field: 'class',
    type: 'nominal',
    title: 'class',
    scale: { domain: names, range: PALETTE.slice(0, classes) },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title:
      shown < rows
        ? `Decision regions (${shown.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} points)`
        : 'Decision regions',
    width: 400,
    height: 400,
    layer: [
      {
        data: {
          values: [
            {
              url: `data:image/png;base64,${png.toString('base64')}`,
              x: left,
              x2: right,
              y: top,
              y2: bottom,
            },
          ],
        },
        // No aria labels, here or on the points: the image's would repeat it whole as text, and
        // the points' would double the size of the chart.
        mark: { type: 'image', aspect: false, smooth: false, opacity: 0.35, aria: false },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: x, title: 'x1' },
          x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative', scale: y, title: 'x2' },
          y2: { field: 'y2' },
          url: { field: 'url', type: 'nominal' },
        },
      },
      {
        data: { values: points.map((p) => ({ ...p, class: names[p.class] })) },
        mark: {
          type: 'point',
          filled: true,
          size: 30,
          stroke: 'black',
          strokeWidth: 0.5,
          aria: false,
        },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: x },
          y: { field: 'y', type: 'quantitative', scale: y },
          color,
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
