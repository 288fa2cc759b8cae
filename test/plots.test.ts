/**
 * The chart specifications, as data. Rendering them needs Vega's ES modules, which jest cannot
 * import; the train command's end-to-end test (train-cli.test.ts) renders and parses them.
 */
import { boundaryChart, lossChart } from '../src';

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

describe('boundaryChart', () => {
  const x = [
    [0, 0],
    [1, 2],
  ];
  const spec = boundaryChart(x, [0, 1], ([a]) => (a > 0.5 ? 1 : 0), 4) as { layer: Layer[] };
  const [cells, points] = spec.layer.map((l) => l.data.values);

  test('a grid of resolution² cells covering the data with a margin, each with its predicted class', () => {
    expect(cells).toHaveLength(16);
    // The margin is a tenth of the larger side (2): 0.2 on every side.
    expect(Math.min(...cells.map((c) => c.x as number))).toBeCloseTo(-0.2, 12);
    expect(Math.max(...cells.map((c) => c.x2 as number))).toBeCloseTo(1.2, 12);
    expect(Math.min(...cells.map((c) => c.y as number))).toBeCloseTo(-0.2, 12);
    expect(Math.max(...cells.map((c) => c.y2 as number))).toBeCloseTo(2.2, 12);
    for (const c of cells) {
      const centre = ((c.x as number) + (c.x2 as number)) / 2;
      expect(c.class).toBe(centre > 0.5 ? '1' : '0');
    }
  });

  test('the points on top, with their own classes', () => {
    expect(points).toEqual([
      { x: 0, y: 0, class: '0' },
      { x: 1, y: 2, class: '1' },
    ]);
  });

  test('only 2-D inputs', () => {
    expect(() => boundaryChart([[1, 2, 3]], [0], () => 0)).toThrow(
      'a decision boundary can only be drawn for 2-D inputs',
    );
  });
});
