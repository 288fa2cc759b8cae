/** The playground's view models, without a browser: its settings, its program and its session. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultConfig, normalize, programFor } from '../playground/src/config';
import { GRID, Session } from '../playground/src/session';

test('the settings are fitted to the data: three classes take the cross-entropy loss', () => {
  expect(normalize({ ...defaultConfig, dataset: 'spiral', loss: 'hinge' }).loss).toBe(
    'crossentropy',
  );
  expect(normalize({ ...defaultConfig, dataset: 'moons', loss: 'crossentropy' }).loss).toBe(
    'hinge',
  );
  expect(() => normalize({ ...defaultConfig, hidden: [0] })).toThrow(
    'give at least one hidden layer size',
  );
  expect(() => normalize({ ...defaultConfig, lr: -1 })).toThrow(
    'the learning rate must be a positive number, got -1',
  );
});

test('a session learns the moons, and its snapshot covers the grid', () => {
  const session = new Session(defaultConfig);
  session.step(200);
  const snapshot = session.snapshot();
  expect(snapshot.step).toBe(200);
  expect(snapshot.accuracy).toBeGreaterThan(0.95);
  expect(snapshot.grid).toHaveLength(GRID * GRID);
  expect(new Set(snapshot.grid)).toEqual(new Set([0, 1]));
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

describe.each([
  ['moons, full batch, SGD', { ...defaultConfig }],
  [
    'circles, mini-batches, Adam, BCE',
    {
      ...defaultConfig,
      dataset: 'circles' as const,
      batchSize: 16,
      optimizer: 'adam' as const,
      lr: 0.01,
      loss: 'bce' as const,
    },
  ],
  [
    'spiral, cross-entropy, MSE-free',
    { ...defaultConfig, dataset: 'spiral' as const, hidden: [8], activation: 'tanh' as const },
  ],
  ['xor, mse', { ...defaultConfig, dataset: 'xor' as const, loss: 'mse' as const }],
])('the program for %s', (_name, config) => {
  test('run by gradscript run, reaches the loss the session shows', () => {
    const session = new Session(config);
    session.step(25);
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-program-')),
      'program.ts',
    );
    fs.writeFileSync(file, programFor(config, 25));
    // Inside this package, so that `gradscript` resolves to it.
    const inside = path.join(__dirname, 'fixtures', `playground-program-${process.pid}.ts`);
    fs.copyFileSync(file, inside);
    try {
      const result = spawnSync(
        process.execPath,
        [path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js'), 'run', inside],
        { encoding: 'utf8' },
      );
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe(`loss ${session.snapshot().loss}`);
    } finally {
      fs.rmSync(inside);
    }
  }, 60_000);
});
