/**
 * The package as a user gets it: `npm pack`, installed into fresh projects as people have them,
 * over a matrix of the TypeScript they have (none; 5.9 with ts-patch 3; 7, which has no JS
 * compiler API) and the module setting they chose (commonjs with node10 resolution, node16,
 * nodenext in a `"type": "module"` package). Each TypeScript is tried by its route: gradscript's
 * own commands where there is none or 7, tspc where there is 5.9 with ts-patch. (gradscript's
 * commands in the 5.9 project would repeat no-typescript's cells: npm puts the same TypeScript
 * 5.9.3 at the top of both node_modules. templates.test.ts runs them in a 5.9 project that
 * `tsc --init` set up.) Every cell compiles a program that uses a `Value | number` union, so that
 * the runtime helpers are imported, runs it with node, and checks the data and the gradients. The
 * projects are the installs of ./packed.ts (shared with templates.test.ts); each test writes its
 * cell, a folder with its own package.json and tsconfig, into a folder of this run's inside the
 * project, so that the tests can run at the same time.
 */
import * as fs from 'fs';
import * as path from 'path';
import { installedProject, newFolderIn, packedInstall, writeJson } from './packed';
import { spawnAndWait } from './spawn';

/** What the program prints: e.data, a.grad, b.grad. */
const EXPECTED = '15.5 8.25 4';

const PROGRAM = [
  "import { Value } from 'gradscript';",
  'const a = new Value(2);',
  'const b = new Value(3);',
  'const u: Value | number = Math.random() < 2 ? a : 0;',
  'const d = a * b;',
  'const e = d * 2 - 1 / a + u * 2;',
  'e.backward();',
  // `process` needs Node's types, which gradscript brings: the project never installed them.
  'process.stdout.write(`${e.data} ${a.grad} ${b.grad}\\n`);',
  '',
].join('\n');
/** The program with an operator that has no meaning on a Value, at line 6, column 29. */
const MISTAKEN = PROGRAM.replace('u * 2', 'u % 2');
const MISTAKE_REPORTED =
  "main.ts(6,29): error TS99001: gradscript: the operator '%' has no meaning on a Value";

/** Module settings, each a cell: a folder of its own inside a project. */
const MODULES = {
  commonjs: {
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10' },
    type: 'commonjs',
  },
  node16: { compilerOptions: { module: 'node16' }, type: 'commonjs' },
  'nodenext-esm': { compilerOptions: { module: 'nodenext' }, type: 'module' },
} as const;
type ModuleSetting = keyof typeof MODULES;
const SETTINGS = Object.keys(MODULES) as ModuleSetting[];

/** The TypeScript a project has, each a project of its own with its own node_modules. */
const PROJECTS = ['no-typescript', 'typescript-5.9', 'typescript-7'] as const;
type Project = (typeof PROJECTS)[number];

/** Each project's folder (where its node_modules is), and this run's folder inside it. */
const projects = new Map<Project, { dir: string; run: string }>();

beforeAll(async () => {
  const [{ base }, typescript59, typescript7] = await Promise.all([
    packedInstall(),
    installedProject('typescript-5.9'),
    installedProject('typescript-7'),
  ]);
  const dirs: Record<Project, string> = {
    'no-typescript': base,
    'typescript-5.9': typescript59.dir,
    'typescript-7': typescript7.dir,
  };
  for (const project of PROJECTS) {
    projects.set(project, { dir: dirs[project], run: newFolderIn(dirs[project], 'consumer') });
  }
}, 600_000);

afterAll(() => {
  for (const { run } of projects.values()) fs.rmSync(run, { recursive: true, force: true });
});

/** A new cell in `project`: `program` under `setting`'s package.json and tsconfig. */
function cell(project: Project, setting: ModuleSetting, program = PROGRAM): string {
  const { compilerOptions, type } = MODULES[setting];
  const dir = newFolderIn(projects.get(project)!.run, setting);
  writeJson(path.join(dir, 'package.json'), { private: true, type });
  writeJson(path.join(dir, 'tsconfig.json'), {
    compilerOptions: {
      target: 'ES2022',
      strict: true,
      outDir: 'out',
      sourceMap: true,
      declaration: true,
      skipLibCheck: true,
      ...compilerOptions,
      ...(project === 'typescript-5.9'
        ? { plugins: [{ transform: 'gradscript/transformer', transformProgram: true }] }
        : {}),
    },
    include: ['main.ts'],
  });
  fs.writeFileSync(path.join(dir, 'main.ts'), program);
  return dir;
}

/** One of the project's commands (node_modules/.bin), run in `cwd`. */
function bin(project: Project, name: string, args: string[], cwd: string) {
  const command = path.join(projects.get(project)!.dir, 'node_modules', '.bin', name);
  return spawnAndWait(command, args, { cwd });
}

let tspcTurn: Promise<unknown> = Promise.resolve();

/**
 * tspc in the typescript-5.9 project, one at a time: each reads ts-patch's patched compiler from
 * its cache under a file lock, and one that waits more than two seconds for another's read throws.
 */
function tspc(args: string[], cwd: string) {
  const turn = tspcTurn.then(() => bin('typescript-5.9', 'tspc', args, cwd));
  tspcTurn = turn.catch(() => undefined);
  return turn;
}

/** node on a file that a build wrote. */
function runOutput(file: string) {
  return spawnAndWait(process.execPath, [file], { cwd: path.dirname(file) });
}

/** What each cell's build is checked for: no output, status 0, and its JavaScript runs. */
async function expectBuiltAndRunning(
  build: { status: number | null; output: string },
  cellDir: string,
) {
  expect(build.output).toBe('');
  expect(build.status).toBe(0);
  const run = await runOutput(path.join(cellDir, 'out', 'main.js'));
  expect(run.output.trim()).toBe(EXPECTED);
  expect(run.status).toBe(0);
}

/** Where gradscript's own commands are the route: every module setting. */
const COMMAND_CELLS = (['no-typescript', 'typescript-7'] as const).flatMap((project) =>
  SETTINGS.map((setting): [Project, ModuleSetting] => [project, setting]),
);
const COMMONJS_CELLS = COMMAND_CELLS.filter(([, setting]) => MODULES[setting].type === 'commonjs');
const TIMEOUT = 300_000;

// jest starts concurrent tests in this order, five at a time: the longest chain first, and the
// tspc cells, which take turns with it, last.
test.concurrent(
  'typescript-5.9 with ts-patch: incremental builds and -b report errors at the user’s positions, every time',
  async () => {
    const dir = cell('typescript-5.9', 'node16', MISTAKEN);
    // As with plain tsc, -b after -p --incremental sees an up-to-date project: start each mode afresh.
    for (const mode of [
      ['-p', '.', '--incremental'],
      ['-b', '.'],
    ]) {
      fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
      fs.rmSync(path.join(dir, 'tsconfig.tsbuildinfo'), { force: true });
      for (let time = 0; time < 2; time++) {
        const build = await tspc(mode, dir);
        expect(build.output).toContain(MISTAKE_REPORTED);
        expect(build.status).not.toBe(0);
      }
    }
  },
  TIMEOUT,
);

test.concurrent.each(COMMAND_CELLS)(
  '%s: gradscript build, %s',
  async (project, setting) => {
    const dir = cell(project, setting);
    const build = await bin(
      project,
      'gradscript',
      ['build', '-p', path.basename(dir), '--no-pretty'],
      path.dirname(dir),
    );
    await expectBuiltAndRunning(build, dir);
    expect(fs.existsSync(path.join(dir, 'out', 'main.d.ts'))).toBe(true);
  },
  TIMEOUT,
);

test.concurrent.each(COMMONJS_CELLS)(
  '%s: gradscript run, %s',
  async (project, setting) => {
    const dir = cell(project, setting);
    const run = await bin(project, 'gradscript', ['run', 'main.ts'], dir);
    expect(run.output.trim()).toBe(EXPECTED);
    expect(run.status).toBe(0);
  },
  TIMEOUT,
);

test.concurrent(
  'a Vite project builds through gradscript/vite, and its bundle runs',
  async () => {
    const dir = newFolderIn(projects.get('typescript-7')!.run, 'vite');
    // Bundler resolution, its modules rewritten by gradscript/vite.
    writeJson(path.join(dir, 'package.json'), { private: true, type: 'module' });
    writeJson(path.join(dir, 'tsconfig.json'), {
      compilerOptions: {
        target: 'ES2022',
        module: 'esnext',
        moduleResolution: 'bundler',
        strict: true,
        noEmit: true,
        allowImportingTsExtensions: true,
        skipLibCheck: true,
      },
      include: ['main.ts'],
    });
    fs.writeFileSync(
      path.join(dir, 'vite.config.js'),
      [
        "import { gradscript } from 'gradscript/vite';",
        'export default {',
        '  plugins: [gradscript()],',
        "  build: { ssr: 'main.ts', outDir: 'out', rollupOptions: { output: { entryFileNames: 'main.js' } } },",
        '};',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'main.ts'), PROGRAM);
    const build = await bin('typescript-7', 'vite', ['build', '--logLevel', 'warn'], dir);
    await expectBuiltAndRunning(build, dir);
  },
  TIMEOUT,
);

test.concurrent(
  'gradscript check reports errors at the user’s positions and exits non-zero',
  async () => {
    const dir = cell('typescript-7', 'commonjs', MISTAKEN);
    const check = await bin('typescript-7', 'gradscript', ['check', '--no-pretty'], dir);
    expect(check.output).toContain(MISTAKE_REPORTED);
    expect(check.output).toContain('Found 1 error.');
    expect(check.status).not.toBe(0);
  },
  TIMEOUT,
);

test.concurrent.each(SETTINGS)(
  'typescript-5.9 with ts-patch: tspc, %s',
  async (setting) => {
    const dir = cell('typescript-5.9', setting);
    const build = await tspc(['-p', path.basename(dir)], path.dirname(dir));
    await expectBuiltAndRunning(build, dir);
  },
  TIMEOUT,
);

test('the project’s TypeScript 7 is left as it is, and gradscript brings its own 5.9', () => {
  const project = projects.get('typescript-7')!.dir;
  const version = (dir: string) =>
    (
      JSON.parse(fs.readFileSync(path.join(dir, 'typescript', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  expect(version(path.join(project, 'node_modules'))).toBe('7.0.2');
  expect(version(path.join(project, 'node_modules', 'gradscript', 'node_modules'))).toMatch(
    /^5\.9\./,
  );
});
