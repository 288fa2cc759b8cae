/**
 * What the transformer costs: `tspc --noEmit` and `gradscript check` (the transformer's rounds
 * of rewriting, then the type check) against plain `tsc --noEmit`, on this repository's own
 * sources, tests and examples, and on a generated 3,000-line file of Value code (where plain tsc
 * reports every operator on a Value as an error: it is the time a compiler takes on the same
 * text). tspc also patches TypeScript as it starts, which `tspc` on the same project without the
 * plugin shows apart; `gradscript check` runs the rewriter on an unpatched TypeScript.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { rewriteProgram } from '../transformer/program';
import { type Figure, median, publish } from './stats';

const root = path.join(__dirname, '..', '..');

type Compiler = 'tsc' | 'tspc' | 'tspc without the plugin' | 'gradscript check';

interface Project {
  key: string;
  folder: string;
  stats: string;
  /** The project's tsconfig.json with no plugins, in a folder of its own. */
  unplugged: string;
}

function milliseconds(compiler: Compiler, project: Project): number {
  const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
  const [command, ...args] =
    compiler === 'gradscript check'
      ? [process.execPath, path.join(root, 'dist', 'src', 'cli', 'main.js'), 'check']
      : compiler === 'tspc without the plugin'
        ? [bin('tspc'), '--noEmit']
        : [bin(compiler), '--noEmit'];
  const tsconfig =
    compiler === 'tspc without the plugin'
      ? project.unplugged
      : path.join(project.folder, 'tsconfig.json');
  const started = process.hrtime.bigint();
  spawnSync(command, [...args, '-p', tsconfig], { cwd: project.folder });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * A tsconfig that is `folder`'s with no plugins, in a new folder: what it includes is still
 * found from `folder`, as `extends` keeps it, and so are the `types` it names.
 */
function withoutPlugins(folder: string): string {
  const config = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-bench-')),
    'tsconfig.json',
  );
  const extended = path.join(folder, 'tsconfig.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      extends: extended,
      compilerOptions: { plugins: [], typeRoots: [path.join(folder, 'node_modules', '@types')] },
    }),
  );
  return config;
}

/**
 * 3,000 lines of Value code in 100 functions: a neuron's weighted sum, a loss accumulated in a
 * loop, compound assignments, a union operand and a comparison in each.
 */
export function generatedProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-bench-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'gradscript'), 'dir');
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'node16',
        strict: true,
        skipLibCheck: true,
        types: [],
        plugins: [{ transform: 'gradscript/transformer', transformProgram: true }],
      },
      include: ['main.ts'],
    }),
  );
  const lines = ["import { Value } from 'gradscript';", ''];
  for (let f = 0; lines.length < 3000; f++) {
    lines.push(
      `export function step${f}(x: number[], w: Value[], b: Value, y: number, u: Value | number) {`,
      '  let act = b;',
      '  for (let i = 0; i < x.length; i++) act = act + w[i] * x[i];',
      '  const out = act.tanh();',
      '  const margin = 1 - y * out;',
      '  let loss = margin.relu() + 1e-4 * (b * b);',
      '  for (const wi of w) loss += 1e-4 * wi ** 2;',
      '  const scaled = loss / x.length - u * 0.5;',
      '  const h = (scaled * 2 + out) / (1 + b);',
      '  const g = -h * h + 3;',
      '  const k = g * g - 2 * g + 1;',
      '  let total = k;',
      '  total -= h / 3;',
      '  total *= 0.5;',
      '  const z1 = total * w[0] + b;',
      '  const z2 = z1.tanh() * w[1] - b;',
      '  const z3 = z2.exp() / (z2.exp() + 1);',
      '  const z4 = (z3 - 0.5) ** 2;',
      '  const z5 = z4 + z3 * z2 - z1 / 4;',
      '  if (z5 > 0 && out < 1) total += z5;',
      '  const p = total * 2 - out;',
      '  const q = p * p + 1;',
      '  const r = q.log() - p / q;',
      '  const s = r * r;',
      '  const t = s - r + 0.25;',
      '  total = total + t * 1e-3;',
      '  const v = total.relu() + (-total).relu();',
      '  v.backward();',
      '  return total;',
      '}',
    );
  }
  fs.writeFileSync(path.join(dir, 'main.ts'), lines.join('\n') + '\n');
  return dir;
}

export function transformerBenchmark(runs = 5): Figure[] {
  const generated = generatedProject();
  const projects: Project[] = [root, generated].map((folder) => ({
    key: folder === root ? 'repository' : 'generated',
    folder,
    stats: rewriteStats(folder),
    unplugged: withoutPlugins(folder),
  }));
  const compilers: { compiler: Compiler; label: string; key: string }[] = [
    { compiler: 'tsc', label: 'tsc --noEmit', key: 'tsc' },
    { compiler: 'tspc', label: 'tspc --noEmit (rewriting, then checking)', key: 'tspc' },
    {
      compiler: 'tspc without the plugin',
      label: 'tspc --noEmit without the plugin (ts-patch alone)',
      key: 'tspcUnplugged',
    },
    { compiler: 'gradscript check', label: 'gradscript check (the same, unpatched)', key: 'check' },
  ];
  // Interleaved, so that a slow spell on the machine falls on every compiler alike.
  const times = projects.map(() => compilers.map((): number[] => []));
  for (let i = 0; i < runs; i++) {
    projects.forEach((project, p) =>
      compilers.forEach(({ compiler }, c) => times[p][c].push(milliseconds(compiler, project))),
    );
  }
  for (const folder of [generated, ...projects.map((p) => path.dirname(p.unplugged))])
    fs.rmSync(folder, { recursive: true, force: true });
  return projects.flatMap((project, p) => {
    const what =
      project.key === 'repository'
        ? `this repository (${project.stats})`
        : `a generated 3,000-line file (${project.stats})`;
    const plain = median(times[p][0]);
    return compilers.map(({ label, key }, c) => ({
      key: `transformer.${project.key}.${key}.ms`,
      label: `${label}, ${what}`,
      value: median(times[p][c]),
      unit: 'ms' as const,
      ratio: median(times[p][c]) / plain,
    }));
  });
}

/** How many files the project in `folder` has, how many are rewritten, in how many rounds. */
function rewriteStats(folder: string): string {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(folder, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const host = ts.createCompilerHost(config.options);
  const program = rewriteProgram(
    ts,
    ts.createProgram(config.fileNames, config.options, host),
    host,
  );
  const rewritten = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && f.text !== ts.sys.readFile(f.fileName)).length;
  return `${config.fileNames.length} files, ${rewritten} rewritten, ${program.gradscriptRounds} rounds`;
}

if (require.main === module) publish(transformerBenchmark());
