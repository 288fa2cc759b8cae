import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { XMLValidator } from 'fast-xml-parser';
import { loadModel, loadOnnx, runTrainingJob } from '../src';

const cli = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
let out: string;

function train(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, 'train', '--out', out, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeEach(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-train-'));
});
afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

test('trains on a generated set and writes charts, graph and model, printing the accuracy', () => {
  const { status, stdout, stderr } = train(
    '--dataset',
    'moons',
    '--samples',
    '60',
    '--steps',
    '30',
    '--hidden',
    '8',
  );
  expect(stderr).toBe('');
  expect(status).toBe(0);
  expect(stdout).toMatch(/^step 1\/30 loss \d+\.\d{4} accuracy \d+\.\d%$/m);
  expect(stdout).toMatch(/^accuracy \d+\.\d%$/m);
  for (const file of ['loss.svg', 'boundary.svg', 'graph.svg']) {
    const svg = fs.readFileSync(path.join(out, file), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('<svg');
  }
  expect(fs.readFileSync(path.join(out, 'graph.svg'), 'utf8')).toContain('ReLUNeuron(2)');
  const model = JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8'));
  expect(model).toMatchObject({ format: 'gradscript-mlp', nin: 2, nouts: [8, 1] });
}, 60_000);

test('trains on a CSV file, with Adam and mini-batches', () => {
  const csv = path.join(out, 'data.csv');
  const rows = Array.from({ length: 40 }, (_, i) => {
    const [a, b] = [Math.cos(i), Math.sin(3 * i)];
    return `${a},${b},${a + b > 0 ? 1 : 0}`;
  });
  fs.writeFileSync(csv, ['a,b,label', ...rows].join('\n'));
  const { status, stdout } = train(
    '--csv',
    csv,
    '--optimizer',
    'adam',
    '--batch-size',
    '16',
    '--epochs',
    '5',
    '--hidden',
    '4',
  );
  expect(status).toBe(0);
  // 26 rows trained on (8 held out to test, 6 to stop early): two batches an epoch.
  expect(stdout).toContain('rows: 40, 26 to train on, 6 held out to stop early, 8 to test on');
  expect(stdout).toMatch(/trained MLP\(2, \[4, 1\]\) for 10 steps/);
  expect(stdout).toMatch(/^accuracy \d+\.\d%$/m);
}, 60_000);

test('regression by default: squared error at a rate that does not diverge, no accuracy', () => {
  const { status, stdout, stderr } = train('--dataset', 'regression', '--samples', '50');
  expect(stderr).toBe('');
  expect(status).toBe(0);
  const loss = Number(/^loss (\S+)$/m.exec(stdout)![1]);
  expect(loss).toBeLessThan(2);
  expect(stdout).not.toMatch(/accuracy/);
  expect(fs.existsSync(path.join(out, 'boundary.svg'))).toBe(false);
}, 60_000);

test.each([
  [
    ['--loss', 'l1'],
    "error: option '--loss <name>' argument 'l1' is invalid. Allowed choices are hinge, bce, crossentropy, mse.",
  ],
  [
    ['--dataset', 'mnist'],
    "error: option '--dataset <name>' argument 'mnist' is invalid. Allowed choices are moons, circles",
  ],
  [['--optimizer', 'rmsprop'], "argument 'rmsprop' is invalid. Allowed choices are sgd, adam."],
  [
    ['--activation', 'gelu'],
    "argument 'gelu' is invalid. Allowed choices are relu, tanh, sigmoid, linear.",
  ],
  [['--steps', 'ten'], "expected a whole number, got 'ten'"],
  [
    ['--lr', '-1', '--steps', '2'],
    'gradscript: learning rate must be a positive finite number, got -1',
  ],
  [['--csv', 'no-such.csv'], 'gradscript: cannot read no-such.csv'],
  [['--batch-size', '0', '--epochs', '2'], "expected a whole number of at least 1, got '0'"],
  [['--target', 'price'], 'gradscript: --target is about the --csv file: give --csv FILE too'],
  [['--l2', '-1', '--steps', '2'], 'gradscript: l2 must be a finite number of at least 0, got -1'],
  [
    ['--dataset', 'spiral', '--loss', 'hinge'],
    'gradscript: the hinge loss is for two classes, but the data has 3: use crossentropy',
  ],
])('a bad option is one clear line and a non-zero exit: %j', (args, message) => {
  const { status, stderr } = train(...args);
  expect(status).not.toBe(0);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toContain(message);
});

test('--onnx also writes model.onnx, the same model as model.json; a run without it removes it', () => {
  const first = train('--samples', '40', '--steps', '10', '--hidden', '6,4', '--onnx');
  expect(first.stderr).toBe('');
  expect(first.stdout).toContain(`${path.join(out, 'model.onnx')}`);
  const fromJson = loadModel(path.join(out, 'model.json'));
  const fromOnnx = loadOnnx(path.join(out, 'model.onnx'));
  expect(fromOnnx.nouts).toEqual([6, 4, 1]);
  for (const point of [
    [0.5, -1],
    [1.5, 0.25],
    [-0.75, 2],
  ]) {
    const expected = fromJson.forward(point)[0].data;
    // The ONNX file holds float32 weights: the same prediction, to float32's precision.
    expect(fromOnnx.forward(point)[0].data).toBeCloseTo(expected, 5);
  }
  const second = train('--samples', '40', '--steps', '10', '--hidden', '6,4');
  expect(second.status).toBe(0);
  expect(fs.existsSync(path.join(out, 'model.onnx'))).toBe(false);
}, 60_000);

test('--onnx FILE writes the model there; a folder that is not there is an error before training', () => {
  const file = path.join(out, 'elsewhere.onnx');
  const { status, stdout, stderr } = train('--samples', '40', '--steps', '5', '--onnx', file);
  expect(stderr).toBe('');
  expect(status).toBe(0);
  expect(stdout).toContain(file);
  expect(loadOnnx(file).nouts).toEqual([16, 16, 1]);
  expect(fs.readdirSync(out).filter((name) => name.includes('partial'))).toEqual([]);

  const missing = path.join(out, 'no-such-folder', 'model.onnx');
  const refused = train('--samples', '40', '--steps', '5', '--onnx', missing);
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toContain(`cannot write ${missing}`);
  expect(refused.stdout).not.toMatch(/^step /m);
}, 60_000);

test('runTrainingJob with onnx: true and no out folder is an error, before anything is read', async () => {
  await expect(runTrainingJob({ data: { dataset: 'moons' }, onnx: true })).rejects.toThrow(
    'onnx: true writes model.onnx into out: give out too, or a file to write',
  );
});
