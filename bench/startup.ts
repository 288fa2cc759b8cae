/**
 * How long `gradscript run hello.ts` takes to start, from a fresh process to the script's output:
 * cold (an empty cache: type-check, rewrite, compile, keep), warm (the kept compilation, unchanged
 * script) and, for the floor, plain `node hello.js` on the compiled output. Then a script of five
 * files, cold and with one file edited since the last run (the cache compiles afresh only that
 * file and the files importing it).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { compileScript } from '../transformer/hosts/run/compile';
import { type Figure, median, publish } from './stats';

const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');

const HELLO = `import { Value } from 'gradscript';

const x = new Value(3);
const y = x * x + 2 * x;
y.backward();
console.log(\`y=\${y.data} dy/dx=\${x.grad}\`);
`;

/** A network trained on XOR, in five files as a user might split it; train.ts is the script. */
const FIVE_FILES: Record<string, string> = {
  'dense.ts': `import { Value } from 'gradscript';

/** A fully connected layer: each output is a weighted sum of the inputs, plus a bias. */
export class Dense {
  readonly weights: Value[][];
  readonly biases: Value[];

  constructor(inputs: number, outputs: number, random: () => number) {
    this.weights = Array.from({ length: outputs }, () =>
      Array.from({ length: inputs }, () => new Value(random() * 2 - 1)),
    );
    this.biases = Array.from({ length: outputs }, () => new Value(0));
  }

  forward(x: readonly (Value | number)[]): Value[] {
    return this.weights.map((row, j) => {
      let sum = this.biases[j];
      row.forEach((w, i) => (sum = sum + w * x[i]));
      return sum;
    });
  }

  parameters(): Value[] {
    return [...this.weights.flat(), ...this.biases];
  }
}
`,
  'model.ts': `import { Value } from 'gradscript';
import { Dense } from './dense';

export class Network {
  private readonly layers: Dense[];

  constructor(sizes: number[], random: () => number) {
    this.layers = sizes.slice(1).map((size, i) => new Dense(sizes[i], size, random));
  }

  forward(x: readonly number[]): Value {
    let activations: (Value | number)[] = [...x];
    for (const layer of this.layers) activations = layer.forward(activations).map((a) => a.tanh());
    return activations[0] as Value;
  }

  parameters(): Value[] {
    return this.layers.flatMap((layer) => layer.parameters());
  }
}
`,
  'data.ts': `/** XOR, with targets -1 and 1 for tanh. */
export const inputs = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
export const targets = [-1, 1, 1, -1];

/** A linear congruential generator, so that every run starts from the same weights. */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1664525 + 1013904223) % 4294967296) / 4294967296;
}
`,
  'loss.ts': `import { Value } from 'gradscript';

export function meanSquaredError(predictions: Value[], targets: number[]): Value {
  let total = new Value(0);
  predictions.forEach((p, i) => (total = total + (p - targets[i]) ** 2));
  return total / predictions.length;
}
`,
  'train.ts': `import { inputs, seeded, targets } from './data';
import { meanSquaredError } from './loss';
import { Network } from './model';

const network = new Network([2, 8, 1], seeded(LEARNING_SEED));
let loss = meanSquaredError(inputs.map((x) => network.forward(x)), targets);
for (let step = 0; step < 200; step++) {
  for (const p of network.parameters()) p.grad = 0;
  loss = meanSquaredError(inputs.map((x) => network.forward(x)), targets);
  loss.backward();
  for (const p of network.parameters()) p.data -= 0.1 * p.grad;
}
console.log(loss.data < 0.05 ? 'learned' : \`not learned: \${loss.data}\`);
`,
};

/**
 * A project of its own in the temporary folder, so that its cache is its own: hello.ts, the
 * five-file script, and a node_modules with gradscript and @types/node, as a user's would have.
 */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-startup-'));
  fs.writeFileSync(path.join(dir, 'hello.ts'), HELLO);
  for (const [name, text] of Object.entries(FIVE_FILES))
    fs.writeFileSync(path.join(dir, name), text);
  fs.mkdirSync(path.join(dir, 'node_modules', '@types'), { recursive: true });
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'gradscript'), 'dir');
  fs.symlinkSync(
    path.join(root, 'node_modules', '@types', 'node'),
    path.join(dir, 'node_modules', '@types', 'node'),
    'dir',
  );
  return dir;
}

/** Milliseconds from spawning `node …args` in `cwd` to its exit; throws unless it printed `expected`. */
function milliseconds(cwd: string, args: string[], expected: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.stdout.trim() !== expected) {
    throw new Error(`node ${args.join(' ')} printed ${result.stdout}${result.stderr}`);
  }
  return elapsed;
}

export function startupBenchmark(runs = 5): Figure[] {
  const dir = project();
  try {
    const compiled = compileScript(ts, path.join(dir, 'hello.ts'));
    if (compiled.diagnostics.length > 0)
      throw new Error(compiled.format(compiled.diagnostics, false));
    const [{ code: javascript }] = compiled.modules.values();
    fs.writeFileSync(path.join(dir, 'hello.js'), javascript);
    const expected = 'y=15 dy/dx=8';
    const cache = path.join(dir, 'node_modules', '.cache');
    const run = [cli, 'run', 'hello.ts'];
    const cold: number[] = [];
    const warm: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < runs; i++) {
      fs.rmSync(cache, { recursive: true, force: true });
      cold.push(milliseconds(dir, run, expected));
      warm.push(milliseconds(dir, run, expected));
      plain.push(milliseconds(dir, ['hello.js'], expected));
    }
    const floor = median(plain);
    const figure = (key: string, label: string, times: number[]): Figure => ({
      key: `startup.${key}.ms`,
      label: `start-up of a five-line script: ${label}`,
      value: median(times),
      unit: 'ms',
      ratio: median(times) / floor,
    });
    // The five-file script: cold, then with train.ts edited (its seed) since the last run.
    const train = path.join(dir, 'train.ts');
    const withSeed = (seed: number) =>
      fs.writeFileSync(train, FIVE_FILES['train.ts'].replace('LEARNING_SEED', String(seed)));
    const fiveCold: number[] = [];
    const fiveEdited: number[] = [];
    const runTrain = [cli, 'run', 'train.ts'];
    for (let i = 0; i < runs; i++) {
      fs.rmSync(cache, { recursive: true, force: true });
      withSeed(1);
      fiveCold.push(milliseconds(dir, runTrain, 'learned'));
      withSeed(2);
      fiveEdited.push(milliseconds(dir, runTrain, 'learned'));
    }
    const byCold = (key: string, label: string, times: number[]): Figure => ({
      ...figure(key, label, times),
      label: `start-up of a five-file script: ${label}`,
      ratio: median(times) / median(fiveCold),
    });
    return [
      figure('node', 'node hello.js, the compiled output (floor)', plain),
      figure('warm', 'gradscript run hello.ts, warm (cached)', warm),
      figure('cold', 'gradscript run hello.ts, cold (no cache)', cold),
      byCold(
        'five-files-cold',
        'gradscript run train.ts, cold (no cache; the ratios of this pair are to it)',
        fiveCold,
      ),
      byCold('five-files-edited', 'train.ts edited since the last run', fiveEdited),
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) publish(startupBenchmark());
