/**
 * How long `gradscript run hello.ts` takes to start, from a fresh process to the script's output:
 * cold (an empty cache: type-check, rewrite, compile, keep), warm (the kept compilation, unchanged
 * script) and, for the floor, plain `node hello.js` on the compiled output.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { compileScript } from '../transformer/compile';
import { type Figure, median, publish } from './stats';

const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');

const HELLO = `import { Value } from 'gradscript';

const x = new Value(3);
const y = x * x + 2 * x;
y.backward();
console.log(\`y=\${y.data} dy/dx=\${x.grad}\`);
`;

/**
 * A project of its own in the temporary folder, so that its cache is its own: hello.ts, and a
 * node_modules with gradscript and @types/node, as a user's would have.
 */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-startup-'));
  fs.writeFileSync(path.join(dir, 'hello.ts'), HELLO);
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
    const [javascript] = compiled.javascript.values();
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
    return [
      figure('node', 'node hello.js, the compiled output (floor)', plain),
      figure('warm', 'gradscript run hello.ts, warm (cached)', warm),
      figure('cold', 'gradscript run hello.ts, cold (no cache)', cold),
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) publish(startupBenchmark());
