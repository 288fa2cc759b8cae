import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  MLP,
  batches,
  circles,
  dataset,
  disk,
  gate,
  gaussian,
  loadModel,
  modelFromJson,
  modelToJson,
  moons,
  multigauss,
  parseCsv,
  plane,
  regression,
  saveModel,
  shuffle,
  spiral,
  split,
  xor,
  yinyang,
} from '../src';

describe('generated data sets', () => {
  test.each([
    ['moons', () => moons(50, { seed: 3 }), () => moons(50, { seed: 4 }), 2],
    ['circles', () => circles(50, { seed: 3 }), () => circles(50, { seed: 4 }), 2],
    ['xor', () => xor(50, { seed: 3 }), () => xor(50, { seed: 4 }), 2],
    ['disk', () => disk(50, { seed: 3 }), () => disk(50, { seed: 4 }), 2],
    [
      'spiral',
      () => spiral(60, { seed: 3, classes: 4 }),
      () => spiral(60, { seed: 4, classes: 4 }),
      4,
    ],
    ['yinyang', () => yinyang(60, { seed: 3 }), () => yinyang(60, { seed: 4 }), 3],
    ['gaussian', () => gaussian(60, { seed: 3 }), () => gaussian(60, { seed: 4 }), 2],
  ])(
    '%s: the same per seed, another for another seed, of the right shape',
    (_name, make, other, classes) => {
      const data = make();
      expect(make()).toEqual(data);
      expect(other()).not.toEqual(data);
      expect(data.x.every((p) => p.length === 2 && p.every(Number.isFinite))).toBe(true);
      expect(data.y).toHaveLength(data.x.length);
      expect(data.classes).toBe(classes);
      expect(new Set(data.y)).toEqual(new Set(Array.from({ length: classes }, (_, k) => k)));
    },
  );

  test('moons without noise lie on the two half circles of make_moons, half each', () => {
    const { x, y } = moons(40, { noise: 0, seed: 1 });
    x.forEach(([a, b], i) => {
      const radius = y[i] === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
      expect(radius).toBeCloseTo(1, 12);
      expect(y[i] === 0 ? b >= -1e-12 : b <= 0.5 + 1e-12).toBe(true);
    });
    expect(y.filter((c) => c === 0)).toHaveLength(20);
  });

  test('circles without noise have radii 1 and factor', () => {
    const { x, y } = circles(20, { noise: 0, factor: 0.3 });
    x.forEach((p, i) => expect(Math.hypot(p[0], p[1])).toBeCloseTo(y[i] === 0 ? 1 : 0.3, 12));
  });

  test('gates are truth tables; disk and xor follow their rules', () => {
    expect(gate('or').y).toEqual([0, 1, 1, 1]);
    expect(gate('and').y).toEqual([0, 0, 0, 1]);
    expect(gate('xor').y).toEqual([0, 1, 1, 0]);
    const d = disk(100, { seed: 2 });
    d.x.forEach(([a, b], i) => expect(d.y[i]).toBe((a - 0.5) ** 2 + (b - 0.5) ** 2 < 0.25 ? 1 : 0));
    const q = xor(100, { seed: 2 });
    q.x.forEach(([a, b], i) => expect(q.y[i]).toBe(a * b < 0 ? 1 : 0));
  });

  test('gaussian: two blobs of half the points each, around (-1, -1) and (1, 1)', () => {
    const { x, y } = gaussian(400, { noise: 0, seed: 5 });
    for (const label of [0, 1]) {
      const blob = x.filter((_, i) => y[i] === label);
      expect(blob).toHaveLength(200);
      const centre = label === 0 ? -1 : 1;
      for (const k of [0, 1]) {
        const values = blob.map((p) => p[k]);
        const mean = values.reduce((a, b) => a + b) / values.length;
        const spread = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
        expect(Math.abs(mean - centre)).toBeLessThan(0.1);
        expect(Math.abs(spread - 0.4)).toBeLessThan(0.06);
      }
    }
  });

  test.each([
    ['plane', plane],
    ['multigauss', multigauss],
  ])('%s: regression in [-1, 1]², the same per seed, no classes', (_name, make) => {
    const data = make(80, { seed: 3 });
    expect(make(80, { seed: 3 })).toEqual(data);
    expect(make(80, { seed: 4 })).not.toEqual(data);
    expect(data.classes).toBeUndefined();
    expect(data.x.every((p) => p.length === 2 && p.every((v) => v >= -1 && v <= 1))).toBe(true);
    expect(data.y).toHaveLength(80);
  });

  test('plane without noise: the target is (x1 + x2) / 2', () => {
    const { x, y } = plane(50, { noise: 0, seed: 1 });
    x.forEach(([a, b], i) => expect(y[i]).toBeCloseTo((a + b) / 2, 12));
  });

  test('multigauss without noise: ±1 at the bumps, 0 far from them, the sign alternating', () => {
    const { x, y } = multigauss(2000, { noise: 0, seed: 1 });
    expect(y.every((v) => v >= -1 && v <= 1)).toBe(true);
    // Near the top-left bump's centre (-2/3, 0.4) the target is close to +1, near the bottom-left's close to -1.
    const near = (cx: number, cy: number) =>
      y.filter((_, i) => Math.hypot(x[i][0] - cx, x[i][1] - cy) < 0.05);
    expect(near(-2 / 3, 0.4).every((v) => v > 0.8)).toBe(true);
    expect(near(-2 / 3, -0.4).every((v) => v < -0.8)).toBe(true);
    expect(near(0, 0.4).every((v) => v < -0.8)).toBe(true);
    expect(near(-2 / 3, 0.4).length).toBeGreaterThan(0);
    // The corners are more than 1/3 from every bump.
    expect(y.filter((_, i) => Math.abs(x[i][0]) > 0.95 && Math.abs(x[i][1]) > 0.95)).toEqual(
      expect.arrayContaining([0]),
    );
  });

  test('the regression set has 13 features and no classes', () => {
    const data = regression(30, { seed: 1 });
    expect(data.x.every((row) => row.length === 13)).toBe(true);
    expect(data.classes).toBeUndefined();
    expect(regression(30, { seed: 1 })).toEqual(data);
  });

  test.each([
    [() => moons(1), 'moons: n must be a whole number of at least 2, got 1'],
    [() => xor(10, { noise: -1 }), 'noise must be a finite number of at least 0, got -1'],
    [() => plane(10, { noise: NaN }), 'noise must be a finite number of at least 0, got NaN'],
    [() => gaussian(1), 'gaussian: n must be a whole number of at least 2, got 1'],
    [() => multigauss(0), 'multigauss: n must be a whole number of at least 1, got 0'],
    [
      () => spiral(10, { classes: 1 }),
      'spiral: classes must be a whole number of at least 2, got 1',
    ],
    [
      () => dataset('digits' as never, 10),
      "unknown data set 'digits': expected one of moons, circles, xor, disk, spiral, yinyang, or, and, regression",
    ],
  ])('bad arguments: %#', (make, message) => {
    expect(make).toThrow(message);
  });
});

describe('CSV', () => {
  test('reads a header and numbers, the target last by default or by name', () => {
    const text = 'a,b,label\n1,2,0\n3.5,-4,1\n';
    // Typed columns, one per input, and the target: what a stream of rows fills without copying.
    const numbers = (...names: string[]) => names.map((name) => ({ name, kind: 'number' }));
    expect(parseCsv(text)).toEqual({
      columns: [Float64Array.from([1, 3.5]), Float64Array.from([2, -4])],
      target: Float64Array.from([0, 1]),
      names: { columns: ['a', 'b'], target: 'label' },
      schema: { inputs: numbers('a', 'b'), target: 'label' },
    });
    expect(parseCsv(text, { target: 'a' })).toEqual({
      columns: [Float64Array.from([2, -4]), Float64Array.from([0, 1])],
      target: Float64Array.from([1, 3.5]),
      names: { columns: ['b', 'label'], target: 'a' },
      schema: { inputs: numbers('b', 'label'), target: 'a' },
    });
  });

  test.each([
    ['a,b\n1,2\n3\n', 'line 3: expected as many cells as the header has, got 1'],
    ['a,b\n1,2\n3,x\n', "line 3, column 'b': 'x' is not a number"],
    ['a,b\n1,\n', "every row has a missing value: the target 'b' is missing in 1 of 1 rows"],
    ['a,b\n', 'expected a header row and at least one row of data'],
  ])('malformed: %j', (text, message) => {
    expect(() => parseCsv(text)).toThrow(message);
  });

  test('a missing target column lists the columns', () => {
    expect(() => parseCsv('a,b\n1,2\n', { target: 'price' })).toThrow(
      "no column named 'price' (columns: a, b)",
    );
  });
});

describe('splits, shuffles and batches', () => {
  const data = moons(100, { seed: 5 });

  test('split parts are disjoint, cover the set and have the asked sizes', () => {
    const { train, validation, test } = split(data, { validation: 0.1, test: 0.2, seed: 1 });
    expect([train.x.length, validation.x.length, test.x.length]).toEqual([70, 10, 20]);
    const all = [...train.x, ...validation.x, ...test.x].map((p) => p.join());
    expect(new Set(all).size).toBe(100);
    expect(split(data, { seed: 1 })).toEqual(split(data, { seed: 1 }));
    expect(() => split(data, { test: 0.7, validation: 0.4 })).toThrow(
      /must be at least 0 and sum below 1/,
    );
  });

  test('shuffle keeps each point with its label; batches cover the set in order', () => {
    const shuffled = shuffle(data, 9);
    const label = new Map(data.x.map((p, i) => [p.join(), data.y[i]]));
    shuffled.x.forEach((p, i) => expect(shuffled.y[i]).toBe(label.get(p.join())));
    const parts = batches(shuffled, 32);
    expect(parts.map((b) => b.x.length)).toEqual([32, 32, 32, 4]);
    expect(parts.flatMap((b) => b.y)).toEqual(shuffled.y);
    expect(() => batches(data, 0)).toThrow('batch size must be a positive whole number, got 0');
  });
});

describe('model JSON', () => {
  test('a round trip keeps the architecture, activations and weights', () => {
    const model = new MLP(3, [4, 2], { seed: 8, activation: 'tanh', outputActivation: 'sigmoid' });
    const copy = modelFromJson(JSON.parse(JSON.stringify(modelToJson(model))));
    expect(copy.toString()).toBe(model.toString());
    expect(copy.forward([0.1, -0.2, 0.3]).map((v) => v.data)).toEqual(
      model.forward([0.1, -0.2, 0.3]).map((v) => v.data),
    );
  });

  test('saveModel and loadModel round-trip through a file; a bad file is named in the error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-model-'));
    const file = path.join(dir, 'model.json');
    const model = new MLP(2, [3, 1], { seed: 5 });
    saveModel(model, file);
    expect(loadModel(file).forward([0.5, -1])[0].data).toBe(model.forward([0.5, -1])[0].data);
    fs.writeFileSync(file, JSON.stringify({ ...modelToJson(model), nin: 3 }));
    expect(() => loadModel(file)).toThrow(
      `${file}: the model MLP(3, [3, 1]) has 16 parameters, but the file has 13 weights`,
    );
    fs.writeFileSync(file, '{ not json');
    expect(() => loadModel(file)).toThrow(`cannot read a model from ${file}`);
    fs.rmSync(dir, { recursive: true });
  });

  test.each([
    [{}, 'not a gradscript model'],
    [
      { ...modelToJson(new MLP(2, [1], { seed: 1 })), version: 2 },
      'unsupported model version 2: expected 1',
    ],
    [
      { ...modelToJson(new MLP(2, [1], { seed: 1 })), weights: [1, 2] },
      'the model MLP(2, [1]) has 3 parameters, but the file has 2 weights',
    ],
    [
      { ...modelToJson(new MLP(2, [1], { seed: 1 })), weights: [1, 'x', 3] },
      'weight 1 is not a finite number: "x"',
    ],
    [
      { ...modelToJson(new MLP(2, [3, 1], { seed: 1 })), activation: 'gelu' },
      "unknown activation 'gelu'",
    ],
  ])('a file that does not match says how: %#', (json, message) => {
    expect(() => modelFromJson(json)).toThrow(message);
  });
});
