/**
 * examples/microgpt.ts against Karpathy's microgpt.py: a 20-step run's losses and samples, as
 * test/reference/microgpt-reference.py printed them from the Python original (the full 1,000
 * steps are in microgpt.json, too long for a test); and Value.sum over any iterable, the idiom
 * the port writes for Python's sum().
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { Value } from '../src/engine';
import reference from './reference/microgpt-20-steps.json';

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');

function microgpt(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  return spawnSync(process.execPath, [cli, 'run', path.join('examples', 'microgpt.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', GRADSCRIPT_QUICK: '' },
  });
}

test('a 20-step run prints microgpt.py’s losses to within 1e-12 and its samples', () => {
  const { stdout, stderr, status } = microgpt('--steps', String(reference.steps));
  expect(stderr).toBe('');
  expect(status).toBe(0);
  const steps = [...stdout.matchAll(/^step +(\d+) \/ +(\d+) \| loss (\S+)$/gm)];
  expect(steps.map((m) => Number(m[1]))).toEqual(reference.losses.map((_, i) => i + 1));
  expect(steps.every((m) => Number(m[2]) === reference.steps)).toBe(true);
  steps.forEach((m, i) => {
    const relative = Math.abs(Number(m[3]) - reference.losses[i]) / reference.losses[i];
    if (relative > 1e-12) {
      throw new Error(`step ${i + 1}: loss ${m[3]}, microgpt.py ${reference.losses[i]}`);
    }
  });
  const samples = [...stdout.matchAll(/^sample +(\d+): (.*)$/gm)];
  expect(samples.map((m) => m[2])).toEqual(reference.samples);
  expect(stdout).toMatch(/^training time: \d+\.\d\d s, \d+\.\d\d ms a step$/m);
}, 120_000);

test.each([
  [['--steps', '0'], 'microgpt: --steps needs a whole number of at least 1, got 0'],
  [['--samples', 'many'], 'microgpt: --samples needs a whole number of at least 0, got many'],
  [['--data', 'no-such-file.txt'], 'microgpt: --data needs a text file of documents'],
  [['--lr', '0.1'], 'microgpt: unknown argument --lr'],
])(
  'bad arguments %p are refused by name',
  (args, message) => {
    const { stderr, status } = microgpt(...args);
    expect(stderr).toContain(message);
    expect(status).toBe(2);
  },
  60_000,
);

describe('Value.sum takes any iterable, as Python’s sum() does', () => {
  const [a, b, c] = [new Value(0.1), new Value(0.2), new Value(0.3)];

  test('an array, a Set, a generator and a Map’s values give the same node and gradients', () => {
    function* terms() {
      yield a * 2;
      yield b;
      yield 0.7;
      yield c;
    }
    const fromArray = Value.sum([a * 2, b, 0.7, c]);
    for (const total of [
      fromArray,
      Value.sum(terms()),
      Value.sum(new Set<Value | number>([a * 2, b, 0.7, c])),
      Value.sum(
        new Map<string, Value | number>([
          ['x', a * 2],
          ['y', b],
          ['z', 0.7],
          ['w', c],
        ]).values(),
      ),
    ]) {
      expect(total.data).toBe(0 + 0.1 * 2 + 0.2 + 0.7 + 0.3); // left to right from 0
      expect(total.children.length).toBe(3);
      a.grad = b.grad = c.grad = 0;
      total.backward();
      expect([a.grad, b.grad, c.grad]).toEqual([2, 1, 1]);
    }
  });

  test('an empty iterable sums to 0', () => {
    expect(Value.sum(new Set<Value>()).data).toBe(0);
  });

  test('something that is not iterable is refused by name', () => {
    expect(() => Value.sum(a as unknown as Value[])).toThrow(
      'Value.sum takes an array or other iterable of Values and numbers, got an object ([object Object])',
    );
    expect(() => Value.sum(undefined as unknown as Value[])).toThrow('got undefined');
  });
});
