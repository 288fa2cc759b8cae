/** Each example runs through `gradscript run` and reaches the result its header promises. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');

function example(name: string, ...args: string[]): string {
  const result = spawnSync(
    process.execPath,
    [cli, 'run', path.join('examples', `${name}.ts`), ...args],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    },
  );
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

test('nn2: the lecture’s numbers, and its training loop’s final loss to the last digit', () => {
  const out = example('nn2');
  expect(out).toContain('L = -8, dL/da = -6, dL/db = 8, dL/dc = 2, dL/df = -4');
  expect(out).toContain('o = 0.8813735870195432; x2.grad 1, w2.grad 0, x1.grad -3, w1.grad 2');
  expect(out).toContain('LinearNeuron(2): -0.7986044827378151');
  expect(out).toContain(': 2.075707642189308, 3.317750385687485, 1.3166915978118992');
  expect(out).toContain('Final Loss:  0.0073864224020347095');
  expect(out).toContain(
    'predictions: 1.0120099058492713, 0.07244688900469765, -0.03539087511088844, 0.9727765028706291',
  );
}, 60_000);

test('moons: micrograd’s demo reaches about 0.01 and 100%, on a tape or eagerly alike', () => {
  const taped = example('moons');
  const final = /final loss (\d+\.\d+), accuracy (\d+\.\d)%/.exec(taped)!;
  expect(Number(final[1])).toBeLessThan(0.02);
  expect(final[2]).toBe('100.0');
  expect(example('moons', '--eager')).toBe(taped);
}, 120_000);

test('pychain: XOR with tanh and ReLU, the disk, and a learning-rate study', () => {
  const out = example('pychain');
  expect(out).toMatch(/XOR, tanh: cost 0\.000\d, accuracy 100%/);
  expect(out).toMatch(/XOR, relu: cost 0\.000\d, accuracy 100%/);
  const disk = (activation: string) =>
    Number(new RegExp(`disk, ${activation}: .* accuracy (\\d+\\.\\d)%`).exec(out)![1]);
  expect(disk('tanh')).toBeGreaterThanOrEqual(97);
  expect(disk('relu')).toBeGreaterThanOrEqual(90);
  expect(out).toMatch(/lr 0\.01 .*: still slow/);
  expect(out).toMatch(/lr 0\.1 .*: converges/);
  expect(out).toMatch(/lr 1 .*: converges/);
  expect(out).toMatch(/lr 10 .*: diverges or oscillates/);
}, 120_000);

test('miniflow: over 100 epochs of resampled batches the loss trends down', () => {
  const epochs = [...example('miniflow').matchAll(/Epoch: (\d+), Loss: (\d+\.\d+)/g)];
  expect(epochs.map((m) => Number(m[1]))).toEqual([
    1, 2, 3, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100,
  ]);
  const losses = epochs.map((m) => Number(m[2]));
  expect(losses[1]).toBeLessThan(losses[0]);
  expect(losses[2]).toBeLessThan(losses[1]);
  expect(losses[12]).toBeLessThan(losses[3]);
  expect(losses[12]).toBeLessThan(losses[0] / 10);
}, 120_000);

test('nothing-but-numpy: OR and XOR down to the seed’s costs, with charts', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-nbn-'));
  const text = example('nothing-but-numpy', out);
  expect(text).toContain('OR epoch 0: cost 0.089,');
  expect(text).toContain('OR epoch 1: cost 0.084, dCost/dW = [-0.044, -0.035], dCost/db = -0.031');
  expect(text).toContain('OR: cost 0.0005 after 5000 epochs, 4/4 right');
  expect(text).toContain('XOR: cost 0.0009 after 5000 epochs, 4/4 right');
  expect(fs.readdirSync(out).sort()).toEqual([
    'or-boundary.svg',
    'or-cost.svg',
    'xor-boundary.svg',
    'xor-cost.svg',
  ]);
  fs.rmSync(out, { recursive: true });
}, 120_000);

test('lxmls: the linear model stalls, the MLP passes 95%, the gradient check agrees', () => {
  const out = example('lxmls');
  const accuracy = (model: string) =>
    [...out.matchAll(new RegExp(`^${model} epoch \\d+: accuracy (\\d+\\.\\d+) %$`, 'gm'))].map(
      (m) => Number(m[1]),
    );
  expect(accuracy('log-linear')).toHaveLength(10);
  expect(accuracy('log-linear').pop()).toBeLessThan(60);
  expect(accuracy('MLP')).toHaveLength(10);
  expect(accuracy('MLP').pop()).toBeGreaterThan(95);
  const check = /weight 60 slope (\S+), gradient (\S+); largest relative error (\S+)/.exec(out)!;
  expect(check[1]).toBe(check[2]);
  expect(Number(check[3])).toBeLessThan(1e-6);
}, 120_000);

test('graphs: the seed’s graphs as SVG', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-graphs-'));
  const text = example('graphs', out);
  expect(text).toContain('L = -8, dL/da = -6, dL/db = 8');
  expect(text).toContain('o = 0.7071, do/dw1 = 1.0000, do/dw2 = 0.0000');
  expect(fs.readFileSync(path.join(out, 'neuron.svg'), 'utf8')).toContain('x1*w1');
  fs.rmSync(out, { recursive: true });
}, 60_000);

test('newton: Newton’s method reaches the bottom of Rosenbrock’s valley in a handful of steps, gradient descent in thousands', () => {
  const out = example('newton');
  const reached =
    /below f = 1e-10: Newton's method after (\d+) steps, gradient descent after (\d+)/.exec(out)!;
  expect(Number(reached[1])).toBe(5);
  expect(Number(reached[2])).toBe(26593);
  expect(out).toMatch(/^ {5}7 {4}1\.000000 {3}1\.000000 {3}0\.000e\+0 /m);
}, 120_000);

test('curvature: hvp’s curvature agrees with the loss’s second difference and predicts the steps that work', () => {
  const out = example('curvature');
  const along =
    /curvature along the gradient: (\S+) by hvp, (\S+) by the loss's second difference/.exec(out)!;
  expect(Number(along[1])).toBeGreaterThan(0);
  expect(Math.abs(Number(along[1]) - Number(along[2]))).toBeLessThan(1e-5 * Number(along[1]));
  const step = /loss (\S+) -> (\S+) \(the quadratic predicts (\S+)\)/.exec(out)!;
  expect(Number(step[2])).toBeLessThan(Number(step[1]));
  expect(Math.abs(Number(step[2]) - Number(step[3]))).toBeLessThan(0.01);
  expect(out).toMatch(/\|Hv - λv\| \d\.\de[-+]\d+/);
  const line = (factor: string) =>
    /loss after steps 0: (\S+), .* 30: (\S+)/.exec(
      out.split('\n').find((l) => l.includes(`a step of ${factor} ×`))!,
    )!;
  expect(Number(line('0.9')[2])).toBeLessThan(Number(line('0.9')[1]));
  expect(Number(line('1.1')[2])).toBeGreaterThan(Number(line('1.1')[1]));
}, 60_000);
