/**
 * The chart specifications, as data. Rendering them needs Vega's ES modules, which jest cannot
 * import; the train command's end-to-end test (train-cli.test.ts) renders and parses them.
 */
import * as zlib from 'zlib';
import { MAX_LINE_POINTS, MAX_POINTS, boundaryChart, lossChart } from '../src';

type Layer = { data: { values: Record<string, number | string>[] } };

describe('lossChart', () => {
  test('one row per step and measure: loss, and accuracy when there is one', () => {
    const spec = lossChart([
      { step: 0, loss: 2, accuracy: 0.5 },
      { step: 1, loss: 1, accuracy: 0.75 },
    ]) as { data: Layer['data']; encoding: { row: { field: string } } };
    expect(spec.data.values).toEqual([
      { step: 0, measure: 'loss', value: 2 },
      { step: 0, measure: 'accuracy', value: 0.5 },
      { step: 1, measure: 'loss', value: 1 },
      { step: 1, measure: 'accuracy', value: 0.75 },
    ]);
    expect(spec.encoding.row.field).toBe('measure');
  });

  test('regression has no accuracy rows', () => {
    const spec = lossChart([{ step: 0, loss: 3 }]) as { data: Layer['data'] };
    expect(spec.data.values).toEqual([{ step: 0, measure: 'loss', value: 3 }]);
  });
});

/** The pixels of a paletted PNG (8 bits, no filters, as palettePng writes it) and its palette. */
function readPng(png: Buffer): {
  width: number;
  height: number;
  pixels: number[];
  palette: string[];
} {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let at = 8;
  let width = 0;
  let height = 0;
  let palette: string[] = [];
  const data: Buffer[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length)).toBe(
      zlib.crc32(png.subarray(at + 4, at + 8 + length)),
    );
    if (type === 'IHDR') [width, height] = [body.readUInt32BE(0), body.readUInt32BE(4)];
    if (type === 'PLTE')
      palette = Array.from({ length: length / 3 }, (_, k) =>
        [...body.subarray(3 * k, 3 * k + 3)].map((b) => b.toString(16).padStart(2, '0')).join(''),
      );
    if (type === 'IDAT') data.push(body);
    at += 12 + length;
  }
  const rows = zlib.inflateSync(Buffer.concat(data));
  const pixels: number[] = [];
  for (let y = 0; y < height; y++) {
    expect(rows[y * (width + 1)]).toBe(0); // filter: none
    pixels.push(...rows.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)));
  }
  return { width, height, pixels, palette };
}

type ImageRow = { url: string; x: number; x2: number; y: number; y2: number };

describe('boundaryChart', () => {
  const x = [
    [0, 0],
    [1, 2],
  ];
  const spec = boundaryChart(x, [0, 1], ([a]: number[]) => (a > 0.5 ? 1 : 0), 4) as {
    layer: Layer[];
  };
  const [[image], points] = spec.layer.map((l) => l.data.values) as unknown as [
    ImageRow[],
    Layer['data']['values'],
  ];

  test('the regions are one image covering the data with a margin, a pixel per predicted class', () => {
    // The margin is a tenth of the larger side (2): 0.2 on every side.
    expect(image.x).toBeCloseTo(-0.2, 12);
    expect(image.x2).toBeCloseTo(1.2, 12);
    expect(image.y).toBeCloseTo(2.2, 12); // the image's top row is the highest
    expect(image.y2).toBeCloseTo(-0.2, 12);
    const prefix = 'data:image/png;base64,';
    expect(image.url.startsWith(prefix)).toBe(true);
    const png = readPng(Buffer.from(image.url.slice(prefix.length), 'base64'));
    expect([png.width, png.height]).toEqual([4, 4]);
    // Pixel centres at x = -0.025, 0.325, 0.675, 1.025: classes 0, 0, 1, 1 in every row.
    expect(png.pixels).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]);
    expect(png.palette.slice(0, 2)).toEqual(['4c78a8', 'f58518']);
  });

  test('the points on top, with their own classes', () => {
    expect(points).toEqual([
      { x: 0, y: 0, class: '0' },
      { x: 1, y: 2, class: '1' },
    ]);
  });

  test('from a table: the classifier is asked once for all pixels, class names come from options', () => {
    const table = {
      columns: [Float64Array.from([0, 1]), Float64Array.from([0, 2])],
      target: Float64Array.from([1, 0]),
      classes: 2,
    };
    const calls: number[] = [];
    const chart = boundaryChart(
      table,
      (centres) => {
        calls.push(centres.length);
        return centres.map(([a]) => (a > 0.5 ? 1 : 0));
      },
      { resolution: 8, classNames: ['-1', '+1'] },
    ) as { layer: Layer[] };
    expect(calls).toEqual([64]);
    expect(chart.layer[1].data.values).toEqual([
      { x: 0, y: 0, class: '+1' },
      { x: 1, y: 2, class: '-1' },
    ]);
  });

  test('a chart of 200,000 points stays small: the points drawn are a sample, the regions a PNG', () => {
    const rows = 200_000;
    const columns = [new Float64Array(rows), new Float64Array(rows)];
    const target = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      columns[0][i] = Math.cos(i);
      columns[1][i] = Math.sin(i);
      target[i] = i % 2;
    }
    const chart = boundaryChart({ columns, target, classes: 2 }, (centres) =>
      centres.map(([a, b]) => (a * b > 0 ? 1 : 0)),
    ) as { layer: Layer[]; title: string };
    expect(chart.layer[1].data.values).toHaveLength(MAX_POINTS);
    expect(chart.title).toBe(`Decision regions (2,000 of 200,000 points)`);
    // The spec is what is rendered: its size bounds the SVG's (train-cli.test.ts renders one).
    expect(JSON.stringify(chart).length).toBeLessThan(300_000);
  });

  test('only 2-D inputs, and classes that have a colour', () => {
    expect(() => boundaryChart([[1, 2, 3]], [0], () => 0)).toThrow(
      'a decision boundary can only be drawn for 2-D inputs',
    );
    expect(() => boundaryChart(x, [0, 1], () => -1, 2)).toThrow(
      'classify gave -1 for a point: expected a class index from 0 to 9',
    );
    expect(() => boundaryChart(x, [0, 1], () => 0, 0)).toThrow(
      'resolution must be a whole number from 1 to 1000, got 0',
    );
  });
});

describe('lossChart of a long history', () => {
  test('at most MAX_LINE_POINTS points, each the mean of a run of steps', () => {
    const history = Array.from({ length: 10_000 }, (_, step) => ({ step, loss: step % 2 }));
    const spec = lossChart(history) as { data: Layer['data']; title: string };
    expect(spec.data.values.length).toBeLessThanOrEqual(MAX_LINE_POINTS);
    expect(spec.title).toBe('Training (each point the mean of 20 steps)');
    expect(spec.data.values[0]).toEqual({ step: 19, measure: 'loss', value: 0.5 });
  });
});
