/** The playground's view models, without a browser: its settings, its program and its session. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  SettingsError,
  checked,
  defaultConfig,
  lossesFor,
  parseSettings,
  programFor,
  testCount,
  textOf,
  type Config,
  type SettingsText,
} from '../playground/src/config';
import { NumericMLP, writeShares } from '../playground/src/numeric';
import { Value, dataset, lossOf } from '../src/browser';
import { GRID, NEURON_GRID, Session, splitFor } from '../playground/src/session';

/** The problems parseSettings finds when the default fields are typed over with `typed`. */
function problemsOf(typed: Partial<SettingsText>) {
  const parsed = parseSettings({ ...textOf(defaultConfig), ...typed });
  return 'problems' in parsed ? parsed.problems : [];
}

test('the default settings, typed out, read back as they are', () => {
  expect(parseSettings(textOf(defaultConfig))).toEqual({ config: defaultConfig });
  expect(
    parseSettings({
      ...textOf(defaultConfig),
      hidden: ' 8, 4 ',
      lr: '1e-2',
      features: 'sinx1, x2',
    }),
  ).toEqual({
    config: { ...defaultConfig, hidden: [8, 4], lr: 0.01, features: ['sinx1', 'x2'] },
  });
});

test.each<[Partial<SettingsText>, keyof Config, string]>([
  [{ samples: '5000' }, 'samples', 'points must be a whole number from 4 to 1,000; got "5000"'],
  [{ samples: '3' }, 'samples', 'points must be a whole number from 4 to 1,000; got "3"'],
  [{ samples: '' }, 'samples', 'points must be a whole number from 4 to 1,000; got ""'],
  [{ noise: '5' }, 'noise', 'noise must be a number from 0 to 1; got "5"'],
  [{ noise: '-0.1' }, 'noise', 'noise must be a number from 0 to 1; got "-0.1"'],
  [
    { hidden: '16,0,16' },
    'hidden',
    'hidden must be layer sizes, positive whole numbers separated by commas; got "16,0,16"',
  ],
  [
    { hidden: '16,,16' },
    'hidden',
    'hidden must be layer sizes, positive whole numbers separated by commas; got "16,,16"',
  ],
  [
    { hidden: '2.5' },
    'hidden',
    'hidden must be layer sizes, positive whole numbers separated by commas; got "2.5"',
  ],
  [
    { hidden: '64,64' },
    'hidden',
    'hidden must be layer sizes that make at most 2,000 parameters; got "64,64", which make 4,417',
  ],
  [{ lr: '0' }, 'lr', 'learning rate must be a number greater than 0; got "0"'],
  [{ lr: 'abc' }, 'lr', 'learning rate must be a number greater than 0; got "abc"'],
  [{ lr: 'Infinity' }, 'lr', 'learning rate must be a number greater than 0; got "Infinity"'],
  [
    { batchSize: '-5' },
    'batchSize',
    'batch size must be a whole number from 0 (all at once) to 80 (the training points); got "-5"',
  ],
  [
    { batchSize: '500' },
    'batchSize',
    'batch size must be a whole number from 0 (all at once) to 80 (the training points); got "500"',
  ],
  [
    { batchSize: '81' },
    'batchSize',
    'batch size must be a whole number from 0 (all at once) to 80 (the training points); got "81"',
  ],
  [
    { testShare: '0.95' },
    'testShare',
    'test share must be a number from 0 (no test set) to 0.9; got "0.95"',
  ],
  [
    { testShare: '-0.1' },
    'testShare',
    'test share must be a number from 0 (no test set) to 0.9; got "-0.1"',
  ],
  [
    { testShare: '20%' },
    'testShare',
    'test share must be a number from 0 (no test set) to 0.9; got "20%"',
  ],
  [
    { samples: '5', testShare: '0.9' },
    'testShare',
    'test share must be a share that leaves a point to train on; got "0.9", which leaves none of 5',
  ],
  [{ seed: 'abc' }, 'seed', 'seed must be a whole number from 0 to 4,294,967,295; got "abc"'],
  [{ seed: '-1' }, 'seed', 'seed must be a whole number from 0 to 4,294,967,295; got "-1"'],
  [
    { seed: '4294967296' },
    'seed',
    'seed must be a whole number from 0 to 4,294,967,295; got "4294967296"',
  ],
  [
    { dataset: 'spiral' },
    'loss',
    'loss must be crossentropy for spiral, of 3 classes; got "hinge"',
  ],
  [
    { dataset: 'blobs' },
    'dataset',
    'data must be one of moons, circles, xor, gaussian, spiral, yinyang, plane, multigauss, yours; got "blobs"',
  ],
  [
    { activation: 'gelu' },
    'activation',
    'activation must be one of relu, tanh, sigmoid, linear; got "gelu"',
  ],
  [{ optimizer: 'rmsprop' }, 'optimizer', 'optimizer must be one of sgd, adam; got "rmsprop"'],
  ...['x3', 'x1,x1', '', 'x1,,x2'].map(
    (features): [Partial<SettingsText>, keyof Config, string] => [
      { features },
      'features',
      'inputs must be one or more of x1, x2, x1^2, x2^2, x1x2, sinx1, sinx2, separated by commas, ' +
        `each once; got "${features}"`,
    ],
  ),
  [
    { features: 'x1,x2,x1^2,x2^2,x1x2,sinx1,sinx2', hidden: '40,40' },
    'hidden',
    'hidden must be layer sizes that make at most 2,000 parameters; got "40,40", which make 2,001',
  ],
])('%j is refused, next to its field, nothing bent into range', (typed, field, message) => {
  expect(problemsOf(typed)).toEqual([{ field, message }]);
});

test('every field in trouble is named at once; a bad points count still bounds the batch size', () => {
  expect(problemsOf({ samples: 'x', lr: '0', batchSize: '1001' })).toEqual([
    { field: 'samples', message: 'points must be a whole number from 4 to 1,000; got "x"' },
    { field: 'lr', message: 'learning rate must be a number greater than 0; got "0"' },
    {
      field: 'batchSize',
      message:
        'batch size must be a whole number from 0 (all at once) to 1,000 (the most points); got "1001"',
    },
  ]);
  expect(problemsOf({ samples: 'x', batchSize: '1000' }).map((p) => p.field)).toEqual(['samples']);
});

test('the batch size reaches the training points, whatever the test share leaves', () => {
  expect(problemsOf({ samples: '10', testShare: '0.25', batchSize: '7' })).toEqual([]);
  expect(problemsOf({ samples: '10', testShare: '0.25', batchSize: '8' })).toEqual([
    {
      field: 'batchSize',
      message:
        'batch size must be a whole number from 0 (all at once) to 7 (the training points); got "8"',
    },
  ]);
  expect(problemsOf({ testShare: '0', batchSize: '100' })).toEqual([]);
  // A bad test share bounds the batch size by the most points there can be.
  expect(problemsOf({ testShare: 'x', batchSize: '1000' }).map((p) => p.field)).toEqual([
    'testShare',
  ]);
});

describe('the train/test split', () => {
  const key = (p: number[]) => p.join(',');

  test.each<[number, number]>([
    [100, 0.2],
    [37, 0.5],
    [1000, 0.9],
    [10, 0.01],
  ])(
    'of %d points at %d: the sizes the settings promise, disjoint, every point once',
    (samples, testShare) => {
      const config = { ...defaultConfig, samples, testShare };
      const { train, test } = splitFor(config);
      expect(test.x).toHaveLength(testCount(config));
      expect(train.x).toHaveLength(samples - testCount(config));
      expect([train.y, test.y].flat()).toHaveLength(samples);
      const trained = new Set(train.x.map(key));
      expect(test.x.some((p) => trained.has(key(p)))).toBe(false);
      expect(new Set([...train.x, ...test.x].map(key)).size).toBe(samples);
    },
  );

  test('is the same for the same seed, another for another', () => {
    const a = splitFor(defaultConfig);
    expect(splitFor(defaultConfig)).toEqual(a);
    const b = splitFor({ ...defaultConfig, seed: 2 });
    expect(b.test.x.map(key)).not.toEqual(a.test.x.map(key));
  });

  test('a test share of 0 trains on every point, in the order generated', () => {
    const { train, test } = splitFor({ ...defaultConfig, testShare: 0 });
    expect(test.x).toEqual([]);
    expect(train).toEqual(dataset('moons', 100, { noise: 0.1, seed: 1 }));
  });

  test('the session trains on the training points only, and tests on the rest', () => {
    const session = new Session(defaultConfig);
    const { train, test } = splitFor(defaultConfig);
    expect(session.train).toEqual(train);
    expect(session.test).toEqual(test);
    session.step(100);
    const snapshot = session.snapshot();
    expect(Number.isFinite(snapshot.testLoss)).toBe(true);
    expect(snapshot.testAccuracy).toBeGreaterThan(0.8);
    const untested = new Session({ ...defaultConfig, testShare: 0 });
    expect(untested.snapshot()).toMatchObject({ testLoss: NaN, testAccuracy: NaN });
  });

  test.each(['hinge', 'bce', 'mse', 'crossentropy'] as const)(
    'the test loss is the %s loss training takes, over the test points',
    (loss) => {
      const session = new Session({ ...defaultConfig, loss });
      session.step(5);
      const { x, y } = session.test;
      const expected = lossOf(
        loss,
        x.map((point) => session.model.forward(point)),
        y,
      ).data;
      expect(Math.abs(session.snapshot().testLoss - expected)).toBeLessThan(1e-12);
    },
  );
});

test('the loss menu offers what the classes train with; the program and session refuse the rest', () => {
  expect(lossesFor('moons')).toEqual(['hinge', 'bce', 'mse', 'crossentropy']);
  expect(lossesFor('spiral')).toEqual(['crossentropy']);
  expect(lossesFor('yinyang')).toEqual(['crossentropy']);
  const spiralHinge: Config = { ...defaultConfig, dataset: 'spiral' };
  expect(() => checked(spiralHinge)).toThrow(SettingsError);
  expect(() => programFor(spiralHinge, 1)).toThrow('loss must be crossentropy for spiral');
  expect(() => new Session({ ...defaultConfig, hidden: [16, 0, 16] })).toThrow(
    'hidden must be layer sizes',
  );
});

test('a session learns the moons, and its snapshot covers the grid with both classes', () => {
  const session = new Session(defaultConfig);
  session.step(200);
  const snapshot = session.snapshot();
  expect(snapshot.step).toBe(200);
  expect(snapshot.accuracy).toBeGreaterThan(0.95);
  expect(snapshot.classes).toBe(2);
  expect(snapshot.grid).toHaveLength(GRID * GRID * 2);
  const sure = (k: number) =>
    snapshot.grid.filter((share, i) => i % 2 === k && share > 0.99).length;
  expect(sure(0)).toBeGreaterThan(GRID);
  expect(sure(1)).toBeGreaterThan(GRID);
  expect(snapshot.diverged).toBeUndefined();
});

describe.each<[string, Partial<Config>]>([
  ['relu, hinge', {}],
  ['tanh, bce', { activation: 'tanh', loss: 'bce' }],
  ['sigmoid, mse', { activation: 'sigmoid', loss: 'mse', hidden: [8, 8, 8] }],
  ['spiral, cross-entropy', { dataset: 'spiral', loss: 'crossentropy' }],
])('the numeric grid, %s', (_name, settings) => {
  const session = new Session({ ...defaultConfig, ...settings, optimizer: 'adam', lr: 0.01 });
  session.step(30);
  const snapshot = session.snapshot();
  const model = new NumericMLP(session.model);
  const cells = [0, 1, GRID + 7, (GRID * GRID) / 2 + 3, GRID * GRID - 1];

  test('agrees with the model’s own forward pass', () => {
    for (const cell of cells) {
      const point = session.gridPoint(Math.floor(cell / GRID), cell % GRID);
      const expected = session.model.forward(point).map((v) => v.data);
      const got = model.forward(point);
      expect(got).toHaveLength(expected.length);
      got.forEach((z, k) => expect(Math.abs(z - expected[k])).toBeLessThan(1e-12));
    }
  });

  test('holds the shares of confidence the model’s outputs give, summing to 1', () => {
    const { grid } = snapshot;
    // Every set here is of classes.
    const classes = snapshot.classes!;
    for (const cell of cells) {
      const point = session.gridPoint(Math.floor(cell / GRID), cell % GRID);
      const shares = new Float32Array(classes);
      writeShares(
        session.config.loss,
        session.model.forward(point).map((v) => v.data),
        shares,
        0,
      );
      expect([...grid.subarray(cell * classes, (cell + 1) * classes)]).toEqual([...shares]);
      expect(shares.reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    }
  });
});

test('shares read the outputs as the loss does: sure past the hinge margin, even at the boundary', () => {
  const shares = (loss: Config['loss'], outputs: number[]) => {
    const into = new Float32Array(Math.max(2, outputs.length));
    writeShares(loss, outputs, into, 0);
    return [...into];
  };
  expect(shares('hinge', [1.5])).toEqual([0, 1]);
  expect(shares('hinge', [0])).toEqual([0.5, 0.5]);
  expect(shares('hinge', [-0.5])).toEqual([0.75, 0.25]);
  expect(shares('mse', [0.25])).toEqual([0.75, 0.25]);
  expect(shares('bce', [0])).toEqual([0.5, 0.5]);
  expect(shares('crossentropy', [0, 0, 0]).map((p) => p.toFixed(6))).toEqual(
    Array(3).fill((1 / 3).toFixed(6)),
  );
  // A model that overflowed is sure of nothing.
  expect(shares('crossentropy', [Infinity, 0, 0]).map((p) => p.toFixed(6))).toEqual(
    Array(3).fill((1 / 3).toFixed(6)),
  );
});

test('a learning rate that makes the loss run away stops training and says so', () => {
  const session = new Session({ ...defaultConfig, lr: 1e6 });
  session.step(100);
  const { step, diverged } = session.snapshot();
  expect(diverged).toMatch(
    /^training diverged: the loss went from [\d.]+ to \S+ by step \d+; the learning rate 1000000 is too large, try a smaller one$/,
  );
  expect(step).toBeLessThan(100);
  session.step(10);
  expect(session.snapshot().step).toBe(step);
});

test('steps within a time limit: one at least, then as many as fit', () => {
  const session = new Session(defaultConfig);
  session.step(1000, 0);
  expect(session.snapshot().step).toBe(1);
  session.step(3, Infinity);
  expect(session.snapshot().step).toBe(4);
});

describe.each<[string, Partial<Config>]>([
  ['relu, 16 and 16', {}],
  ['tanh, 5 and 3', { activation: 'tanh', hidden: [5, 3] }],
  ['sigmoid, 40 wide', { activation: 'sigmoid', hidden: [40] }],
  ['three classes, 4, 3 and 2', { dataset: 'spiral', loss: 'crossentropy', hidden: [4, 3, 2] }],
])('the network picture’s numbers, %s', (_name, settings) => {
  const session = new Session({ ...defaultConfig, ...settings });
  session.step(10);
  const snapshot = session.snapshot();
  const hidden = session.model.layers.slice(0, -1);
  const cells = NEURON_GRID * NEURON_GRID;

  test('map every hidden neuron of every layer, at every other grid cell', () => {
    const neurons = hidden.reduce((sum, layer) => sum + layer.neurons.length, 0);
    expect(snapshot.activations).toHaveLength(neurons * cells);
  });

  test('hold what each hidden layer computes at each cell mapped', () => {
    for (const [row, col] of [
      [0, 0],
      [2, 14],
      [GRID / 2, GRID / 2 + 6],
      [GRID - 2, GRID - 2],
    ]) {
      let outputs = session.gridPoint(row, col).map((x) => new Value(x));
      let n = 0;
      for (const layer of hidden) {
        outputs = layer.forward(outputs);
        for (const a of outputs)
          expect(snapshot.activations[n++ * cells + (row / 2) * NEURON_GRID + col / 2]).toBe(
            Math.fround(a.data),
          );
      }
    }
  });

  test('hold every weight, layer by layer, output layer last', () => {
    expect(snapshot.weights).toEqual(
      session.model.layers.map((layer) => layer.neurons.map((n) => n.w.map((w) => w.data))),
    );
  });
});

test('a weight set by hand is the model’s, and training goes on from it', () => {
  const session = new Session(defaultConfig);
  const twin = new Session(defaultConfig);
  session.step(5);
  twin.step(5);
  expect(session.snapshot().edited).toBe(false);
  session.setWeight(1, 3, 2, 4.5);
  expect(session.snapshot().edited).toBe(true);
  expect(session.model.layers[1].neurons[3].w[2].data).toBe(4.5);
  expect(session.snapshot().weights[1][3][2]).toBe(4.5);
  expect(session.snapshot().step).toBe(5);
  session.step(1);
  twin.step(1);
  // The step trained from the edited weight: the loss is another, and the weight moved from 4.5.
  expect(session.snapshot().loss).not.toBe(twin.snapshot().loss);
  expect(session.model.layers[1].neurons[3].w[2].data).not.toBe(4.5);
  expect(() => session.setWeight(3, 0, 0, 1)).toThrow(
    'the model has no weight at layer 3, neuron 0, input 0',
  );
  expect(() => session.setWeight(0, 0, 2, 1)).toThrow(
    'the model has no weight at layer 0, neuron 0, input 2',
  );
  expect(() => session.setWeight(0, 0, 0, NaN)).toThrow('a weight must be a number; got NaN');
});

test.each<[number, number, number]>([
  // Full batches: a step is an epoch.
  [0, 7, 7],
  // 80 training points in batches of 16: five steps an epoch.
  [16, 14, 2],
  // In batches of 30: three an epoch, the last of 20.
  [30, 7, 2],
])('with batch size %d, %d steps are %d epochs', (batchSize, steps, epochs) => {
  const session = new Session({ ...defaultConfig, batchSize });
  session.step(steps);
  expect(session.snapshot().epoch).toBe(epochs);
});

test('tape and eager sessions train identically, full batch or not', () => {
  for (const batchSize of [0, 16]) {
    const [tape, eager] = [
      new Session({ ...defaultConfig, batchSize }, 'tape'),
      new Session({ ...defaultConfig, batchSize }, 'eager'),
    ];
    tape.step(20);
    eager.step(20);
    expect(tape.snapshot()).toEqual(eager.snapshot());
  }
});

test('a trace draws the point’s loss with data and grad, neurons collapsed unless expanded', () => {
  const session = new Session(defaultConfig);
  session.step(10);
  const { dot } = session.trace(0);
  expect(dot).toContain('ReLUNeuron(2)');
  expect(dot).toMatch(/grad -?\d/);
  const opened = session.trace(0, [0]).dot;
  expect(opened).not.toContain('id="neuron-0"');
  expect(opened).toContain('id="neuron-1"');
  expect(() => session.trace(1000)).toThrow('no point 1000');
});

test('a point whose hinge loss is 0 traces its score instead, and says why', () => {
  const session = new Session(defaultConfig);
  session.step(200);
  const traces = session.train.x.map((_, i) => session.trace(i));
  const met = traces.findIndex((t) => t.of === 'score');
  const missed = traces.findIndex((t) => t.of === 'loss');
  expect(met).toBeGreaterThanOrEqual(0);
  expect(missed).toBeGreaterThanOrEqual(0);
  expect(traces[met].note).toMatch(
    new RegExp(
      `^point ${met}'s gradients are all 0: the hinge margin is met \\(y·s = \\d+\\.\\d\\d, at least 1\\), ` +
        'so its loss max\\(0, 1 − y·s\\) is 0 and passes no gradient back; shown instead: its score',
    ),
  );
  // The score's graph ends at the output neuron, and its gradients are not all 0.
  expect(traces[met].dot).toMatch(/LinearNeuron\(16\) \| data -?[\d.]+ \| grad 1\.0000/);
  expect(traces[met].dot).toMatch(/grad -?0\.0*[1-9]/);
  expect(traces[met].dot).not.toContain('loss of point');
  expect(traces[missed]).toEqual({
    dot: expect.stringContaining('loss of point'),
    of: 'loss',
    step: 200,
  });
});

/** The playground's settings whose programs are run, each by name. */
const PROGRAMS: [string, Config][] = [
  ['moons, full batch, SGD', { ...defaultConfig }],
  ['moons, every point trained on', { ...defaultConfig, testShare: 0 }],
  [
    'circles, mini-batches, Adam, BCE',
    {
      ...defaultConfig,
      dataset: 'circles',
      batchSize: 16,
      optimizer: 'adam',
      lr: 0.01,
      loss: 'bce',
    },
  ],
  [
    'spiral, cross-entropy',
    { ...defaultConfig, dataset: 'spiral', hidden: [8], activation: 'tanh', loss: 'crossentropy' },
  ],
  ['moons, cross-entropy on two classes', { ...defaultConfig, loss: 'crossentropy' }],
  ['xor, mse', { ...defaultConfig, dataset: 'xor', loss: 'mse' }],
  [
    'circles, L2, linear neurons, mini-batches',
    { ...defaultConfig, dataset: 'circles', l2: 0.003, activation: 'linear', batchSize: 16 },
  ],
  ['moons, L2, tanh', { ...defaultConfig, l2: 0.01, activation: 'tanh' }],
  [
    'circles, inputs x1², x2² and x1·x2',
    { ...defaultConfig, dataset: 'circles', features: ['x1^2', 'x2^2', 'x1x2'] },
  ],
  [
    'xor, inputs x1, x2, sin x1 and sin x2, mini-batches',
    { ...defaultConfig, dataset: 'xor', features: ['x1', 'x2', 'sinx1', 'sinx2'], batchSize: 16 },
  ],
  ['moons, inputs x2 and sin x2', { ...defaultConfig, features: ['x2', 'sinx2'] }],
];

describe('the program for each of several settings, run by gradscript run', () => {
  const STEPS = 25;
  /** What each program printed, in PROGRAMS' order. */
  let printed: string[];
  beforeAll(() => {
    // Each program a module of its own inside this package (so that `gradscript` resolves to
    // it), imported in turn by one script: one run, so one compile, checks them all.
    const dir = fs.mkdtempSync(path.join(__dirname, 'fixtures', 'playground-programs-'));
    try {
      PROGRAMS.forEach(([, config], k) =>
        fs.writeFileSync(path.join(dir, `program${k}.ts`), programFor(config, STEPS)),
      );
      const main = path.join(dir, 'main.ts');
      fs.writeFileSync(main, PROGRAMS.map((_, k) => `import './program${k}';\n`).join(''));
      const result = spawnSync(
        process.execPath,
        [path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js'), 'run', main],
        { encoding: 'utf8' },
      );
      expect(result.stderr).toBe('');
      printed = result.stdout.trim().split('\n');
      expect(printed).toHaveLength(PROGRAMS.length);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  }, 60_000);

  test.each(PROGRAMS.map(([name, config], k) => [name, config, k] as const))(
    '%s reaches the loss the session shows',
    (_name, config, k) => {
      const session = new Session(config);
      session.step(STEPS);
      const loss = Number(/^loss (\S+)$/.exec(printed[k]!)![1]);
      const shown = session.snapshot().loss;
      // A tape replays cross-entropy with the largest logits it recorded subtracted, the program's
      // eager graph with the current ones: the same loss, rounded apart in the last bit or so.
      if (config.loss === 'crossentropy')
        expect(Math.abs(loss - shown) / shown).toBeLessThan(1e-12);
      else expect(loss).toBe(shown);
    },
  );
});
