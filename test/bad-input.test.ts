/**
 * Bad input, everywhere: one row per case. Each must fail with the right kind of error and a
 * message that names the problem; the command line must say it in one line and exit non-zero.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  Adam,
  MLP,
  Random,
  SGD,
  Tape,
  TrainingJob,
  Value,
  batches,
  bceWithLogits,
  crossEntropy,
  gradcheck,
  hinge,
  modelFromJson,
  modelToJson,
  moons,
  mse,
  parseCsv,
  renderSvg,
  split,
  writeSvg,
} from '../src';
import * as runtime from '../src/runtime';

type Row = [string, () => unknown, ErrorConstructor, string | RegExp];

// 1,501 nodes: a number operand (`+ 1`) is kept in its node, not made a Value of its own.
let long = new Value(0);
for (let i = 0; i < 1500; i++) long = long.add(1);

const library: Row[] = [
  [
    'non-number data',
    () => new Value('1' as never),
    TypeError,
    'Value data must be a number, got a string ("1")',
  ],
  [
    'undefined data',
    () => new Value(undefined as never),
    TypeError,
    'Value data must be a number, got undefined',
  ],
  [
    'an object as an operand',
    () => new Value(1).mul({} as never),
    TypeError,
    'expected a Value or a number, got an object',
  ],
  [
    'a string meeting a Value through the runtime helper',
    () => runtime.add('a' as never, new Value(1)),
    TypeError,
    'expected a Value or a number, got a string',
  ],
  ['NaN as a seed', () => new Random(NaN), TypeError, 'seed must be an integer, got NaN'],
  [
    'NaN as a sample count',
    () => moons(NaN),
    RangeError,
    'moons: n must be a whole number of at least 2, got NaN',
  ],
  [
    'NaN as a layer size',
    () => new MLP(NaN, [1]),
    Error,
    'MLP input size must be a positive integer, got NaN',
  ],
  [
    'NaN as a learning rate',
    () => new SGD([], { lr: NaN }),
    RangeError,
    'learning rate must be a positive finite number, got NaN',
  ],
  [
    'Infinity as eps',
    () => new Adam([], { lr: 1, eps: Infinity }),
    RangeError,
    'eps must be a finite number of at least 0, got Infinity',
  ],
  [
    'a non-positive learning rate',
    () => new SGD([], { lr: 0 }),
    RangeError,
    'learning rate must be a positive finite number, got 0',
  ],
  [
    'a wrong input length',
    () => new MLP(3, [2], { seed: 1 }).forward([1, 2]),
    Error,
    'MLP expects 3 inputs, got 2',
  ],
  [
    'no layers',
    () => new MLP(2, []),
    Error,
    'MLP needs at least one layer size in nouts, got an empty list',
  ],
  [
    'a zero-sized layer',
    () => new MLP(2, [4, 0]),
    Error,
    'MLP layer 1 size must be a positive integer, got 0',
  ],
  [
    'a hinge label outside ±1',
    () => hinge([1, 2], [1, 0]),
    RangeError,
    'hinge: label 0 at index 1 is not one of -1, 1',
  ],
  [
    'a BCE label outside 0/1',
    () => bceWithLogits([1], [-1]),
    RangeError,
    'bceWithLogits: label -1 at index 0 is not one of 0, 1',
  ],
  [
    'mismatched predictions and labels',
    () => mse([1, 2, 3], [1, 2]),
    RangeError,
    'mse: 3 predictions but 2 labels',
  ],
  [
    'a class index out of range',
    () => crossEntropy([[1, 2, 3]], [3]),
    RangeError,
    'crossEntropy: class 3 of example 0 is outside 0..2',
  ],
  [
    'a ragged CSV row',
    () => parseCsv('a,b,c\n1,2,3\n4,5\n'),
    Error,
    'line 3: expected as many cells as the header has, got 2',
  ],
  [
    'a non-numeric CSV cell',
    () => parseCsv('a,b\n1,0\n2,two\n'),
    Error,
    "line 3, column 'b': 'two' is not a number",
  ],
  [
    'a missing target column',
    () => parseCsv('a,b\n1,2\n', { target: 'y' }),
    Error,
    "no column named 'y' (columns: a, b)",
  ],
  [
    'model JSON of another size',
    () => modelFromJson({ ...modelToJson(new MLP(2, [3, 1], { seed: 1 })), nouts: [4, 1] }),
    Error,
    'the model MLP(2, [4, 1]) has 17 parameters, but the file has 13 weights',
  ],
  [
    'something that is not a model',
    () => modelFromJson([1, 2, 3]),
    Error,
    'not a gradscript model',
  ],
  [
    'split fractions over 1',
    () => split(moons(10), { test: 0.6, validation: 0.6 }),
    RangeError,
    /must be at least 0 and sum below 1/,
  ],
  [
    'a zero batch size',
    () => batches(moons(10), 0),
    RangeError,
    'batch size must be a positive whole number, got 0',
  ],
  [
    'a gradcheck index out of range',
    () => gradcheck(() => new Value(1), [], { indices: [2] }),
    RangeError,
    'gradcheck: no parameter at index 2 (there are 0)',
  ],
  [
    'an operation a Tape cannot record',
    () => Tape.record(new Value(1, '', [new Value(2)], 'cube')),
    Error,
    "Tape cannot record the operation 'cube'",
  ],
  // Issue 18: what a demanding user tried.
  [
    "assigning a Value's children",
    () => {
      const [a, c] = [new Value(1), new Value(2)];
      (a.tanh() as { children: readonly Value[] }).children = [a, c];
    },
    TypeError,
    "a Value's children cannot be changed",
  ],
  [
    'a cycle made through the engine’s operand fields',
    () => {
      const b = new Value(1, 'a').tanh();
      b.label = 'b';
      b.operand = b.tanh();
      b.backward();
    },
    Error,
    /^the graph has a cycle through 'b' .*a node cannot depend on itself/,
  ],
  [
    'a model file of a billion neurons, checked before anything is built',
    () => modelFromJson({ ...modelToJson(new MLP(2, [1], { seed: 1 })), nouts: [1e9, 1] }),
    Error,
    'the model MLP(2, [1000000000, 1]) has 4000000001 parameters, but the file has 3 weights',
  ],
  [
    'a CSV cell in hexadecimal',
    () => parseCsv('a,b\n1,0x1F\n'),
    Error,
    "line 2, column 'b': '0x1F' is not a number in decimal",
  ],
  [
    'steps and epochs both given',
    () => new TrainingJob(moons(10), { steps: 50, epochs: 2 }),
    Error,
    'give steps or epochs, not both: steps 50 and epochs 2 disagree',
  ],
  [
    'a negative L2 weight',
    () => new TrainingJob(moons(10), { l2: -1 }),
    RangeError,
    'l2 must be a finite number of at least 0, got -1',
  ],
  [
    'a target that is the same in every row',
    () => new TrainingJob({ x: [[1], [2]], y: [1, 1] }),
    Error,
    'the target is 1 in every row: classification needs two classes',
  ],
  [
    'a whole-number target of many values, not taken for classes unless asked',
    () =>
      new TrainingJob({
        x: Array.from({ length: 30 }, (_, i) => [i]),
        y: Array.from({ length: 30 }, (_, i) => i),
      }),
    Error,
    "the target has 30 different values, too many to be classes: ask for task 'regression' to predict it as a number, or 'classification' to take up to 1000 classes",
  ],
  [
    'a classification loss on a regression task',
    () => new TrainingJob(moons(10), { task: 'regression', loss: 'hinge' }),
    Error,
    'the hinge loss is for classes, but the task is regression (asked for)',
  ],
  [
    'a full batch too large for memory',
    () => new TrainingJob(moons(100_000, { seed: 1 }), { batchSize: 'full' }),
    RangeError,
    /^a batch of 100,000 rows makes a graph of about \d+ million values, more than memory holds/,
  ],
];

test.each(library)('%s', (_name, run, type, message) => {
  expect(run).toThrow(type);
  expect(run).toThrow(message);
});

describe('rendering', () => {
  test('an oversized graph is refused with its size and the option to raise', async () => {
    await expect(renderSvg(long, { maxNodes: 1000 })).rejects.toThrow(
      'the graph has 1501 nodes, more than maxNodes (1000)',
    );
  });

  test('raising maxNodes, as the refusal advises, works past the main thread’s stack', async () => {
    // A chain this long overflowed the JavaScript stack when Graphviz laid it out on the main
    // thread ("Maximum call stack size exceeded"); its layout runs on a thread with a larger one.
    let chain = new Value(0, 'x');
    for (let i = 0; i < 7000; i++) chain = chain.tanh();
    await expect(renderSvg(chain)).rejects.toThrow(/Pass a larger maxNodes/);
    const svg = await renderSvg(chain, { maxNodes: 8000 });
    expect(svg.match(/<g id="node\d+" class="node">/g)).toHaveLength(2 * 7001 - 1);
  }, 60_000);

  test('an unknown renderer lists the valid ones', async () => {
    await expect(renderSvg(long, { renderer: 'canvas' as never, maxNodes: 5000 })).rejects.toThrow(
      "unknown renderer 'canvas': expected one of wasm, dot, auto",
    );
  });

  test('an output folder that cannot be written names the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-bad-'));
    fs.writeFileSync(path.join(dir, 'file'), '');
    await expect(writeSvg(new Value(1), path.join(dir, 'file', 'graph.svg'))).rejects.toThrow(
      /^cannot write .*file\/graph\.svg/,
    );
    fs.rmSync(dir, { recursive: true });
  });
});

const cli = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
const cases: [string, string[], string][] = [
  [
    'an unknown activation',
    ['train', '--activation', 'swish'],
    'Allowed choices are relu, tanh, sigmoid, linear',
  ],
  [
    'an unknown loss',
    ['train', '--loss', 'huber'],
    'Allowed choices are hinge, bce, crossentropy, mse',
  ],
  ['an unknown optimizer', ['train', '--optimizer', 'lbfgs'], 'Allowed choices are sgd, adam'],
  [
    'an unknown data set',
    ['train', '--dataset', 'iris'],
    'Allowed choices are moons, circles, xor, disk, spiral, yinyang, or, and, regression',
  ],
  [
    'a malformed CSV',
    ['train', '--csv', path.join(__dirname, 'fixtures', 'bad.csv')],
    "bad.csv: line 3, column 'b': 'oops' is not a number",
  ],
  [
    'an unwritable output folder',
    // The folder would have to be made inside a plain file.
    [
      'train',
      '--steps',
      '1',
      '--samples',
      '10',
      '--out',
      path.join(__dirname, 'fixtures', 'bad.csv', 'out'),
    ],
    'gradscript: cannot write',
  ],
  ['a script that does not exist', ['run', 'missing.ts'], 'gradscript: no such file: missing.ts'],
  [
    'steps and epochs both given',
    ['train', '--steps', '50', '--epochs', '2'],
    'gradscript: give steps or epochs, not both: steps 50 and epochs 2 disagree',
  ],
  [
    'a negative L2 weight',
    ['train', '--l2', '-1'],
    'gradscript: l2 must be a finite number of at least 0, got -1',
  ],
  [
    'a hexadecimal option',
    ['train', '--lr', '0x10'],
    "expected a number, got '0x10' (numbers are read in decimal)",
  ],
  [
    'a classification loss asked for on a regression task',
    [
      'train',
      '--task',
      'regression',
      '--loss',
      'hinge',
      '--out',
      os.tmpdir() + '/gradscript-never',
    ],
    'gradscript: the hinge loss is for classes, but the task is regression (asked for)',
  ],
  [
    'a directory as the CSV file',
    ['train', '--csv', __dirname],
    `gradscript: cannot read ${__dirname}`,
  ],
  [
    'an unknown task',
    ['train', '--task', 'ranking'],
    'Allowed choices are auto, classification, regression',
  ],
];

test.each(cases)(
  'the command line, on %s: one clear line, non-zero exit',
  (_name, args, message) => {
    const result = spawnSync(process.execPath, [cli, ...args], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    expect(result.status).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  },
  30_000,
);

test(`the table has at least 25 rows (${library.length + 3 + cases.length})`, () => {
  expect(library.length + 3 + cases.length).toBeGreaterThanOrEqual(25);
});
