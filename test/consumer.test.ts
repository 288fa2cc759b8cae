/**
 * The package as a user gets it: `npm pack`, installed into fresh projects as people have them,
 * over a matrix of the TypeScript they have (none; 5.9 with ts-patch 3; 7, which has no JS
 * compiler API) and the module setting they chose (commonjs with node10 resolution, node16,
 * nodenext in a `"type": "module"` package). Every cell compiles a program that uses a
 * `Value | number` union, so that the runtime helpers are imported, runs it with node, and
 * checks the data and the gradients. Each project starts from one install of the packed package
 * (./packed.ts), shared with templates.test.ts, and installs its own TypeScript beside it.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { npm, packedInstall, startFromPackedInstall, writeJson } from './packed';

const root = path.join(__dirname, '..');
let workspace: string;

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

/** Module settings, each a folder of its own inside a project. */
const MODULES = {
  commonjs: {
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10' },
    type: 'commonjs',
  },
  node16: { compilerOptions: { module: 'node16' }, type: 'commonjs' },
  'nodenext-esm': { compilerOptions: { module: 'nodenext' }, type: 'module' },
} as const;
type ModuleSetting = keyof typeof MODULES;

/** The TypeScript a project has, each a project of its own with its own node_modules. */
const PROJECTS = {
  'no-typescript': {},
  'typescript-5.9': {
    typescript: `file:${path.join(root, 'node_modules', 'typescript')}`,
    'ts-patch': `file:${path.join(root, 'node_modules', 'ts-patch')}`,
  },
  'typescript-7': { typescript: '7.0.2', vite: `file:${path.join(root, 'node_modules', 'vite')}` },
} as const;
type Project = keyof typeof PROJECTS;

beforeAll(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-consumer-'));
  const { tarball } = packedInstall();
  for (const [project, dependencies] of Object.entries(PROJECTS)) {
    const dir = path.join(workspace, project);
    fs.mkdirSync(dir);
    writeJson(path.join(dir, 'package.json'), {
      private: true,
      dependencies: { gradscript: `file:${tarball}`, ...dependencies },
    });
    startFromPackedInstall(dir);
    // As a user would: a plain install, which must not stop on a peer conflict.
    execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      stdio: 'pipe',
    });
    for (const [setting, { compilerOptions, type }] of Object.entries(MODULES)) {
      const cell = path.join(dir, setting);
      fs.mkdirSync(cell);
      writeJson(path.join(cell, 'package.json'), { private: true, type });
      writeJson(path.join(cell, 'tsconfig.json'), {
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
      fs.writeFileSync(path.join(cell, 'main.ts'), PROGRAM);
    }
  }
  // A bundler project: Vite with bundler resolution, its modules rewritten by gradscript/vite.
  const vite = path.join(workspace, 'typescript-7', 'vite');
  fs.mkdirSync(vite);
  writeJson(path.join(vite, 'package.json'), { private: true, type: 'module' });
  writeJson(path.join(vite, 'tsconfig.json'), {
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
    path.join(vite, 'vite.config.js'),
    [
      "import { gradscript } from 'gradscript/vite';",
      'export default {',
      '  plugins: [gradscript()],',
      "  build: { ssr: 'main.ts', outDir: 'out', rollupOptions: { output: { entryFileNames: 'main.js' } } },",
      '};',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(vite, 'main.ts'), PROGRAM);
}, 600_000);

afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

function bin(project: Project, name: string, args: string[], cwd = path.join(workspace, project)) {
  const result = spawnSync(path.join(workspace, project, 'node_modules', '.bin', name), args, {
    cwd,
    encoding: 'utf8',
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

function runCompiled(project: Project, setting: ModuleSetting): string {
  const out = path.join(workspace, project, setting, 'out', 'main.js');
  return execFileSync(process.execPath, [out], { encoding: 'utf8' }).trim();
}

const settings = Object.keys(MODULES) as ModuleSetting[];

describe.each(['no-typescript', 'typescript-5.9', 'typescript-7'] as Project[])('%s', (project) => {
  test.each(settings)(
    'gradscript build, %s',
    (setting) => {
      const build = bin(project, 'gradscript', ['build', '-p', setting, '--no-pretty']);
      expect(build.output).toBe('');
      expect(build.status).toBe(0);
      expect(runCompiled(project, setting)).toBe(EXPECTED);
      const declarations = path.join(workspace, project, setting, 'out', 'main.d.ts');
      expect(fs.existsSync(declarations)).toBe(true);
    },
    120_000,
  );

  test.each(settings.filter((s) => MODULES[s].type === 'commonjs'))(
    'gradscript run, %s',
    (setting) => {
      const run = bin(
        project,
        'gradscript',
        ['run', 'main.ts'],
        path.join(workspace, project, setting),
      );
      expect(run.output.trim()).toBe(EXPECTED);
      expect(run.status).toBe(0);
    },
    120_000,
  );
});

describe('typescript-5.9 with ts-patch', () => {
  test.each(settings)(
    'tspc, %s',
    (setting) => {
      const build = bin('typescript-5.9', 'tspc', ['-p', setting]);
      expect(build.output).toBe('');
      expect(build.status).toBe(0);
      expect(runCompiled('typescript-5.9', setting)).toBe(EXPECTED);
    },
    120_000,
  );

  test('incremental builds and -b report errors at the user’s positions, every time', () => {
    const cell = path.join(workspace, 'typescript-5.9', 'node16');
    fs.writeFileSync(path.join(cell, 'main.ts'), PROGRAM.replace('u * 2', 'u % 2'));
    // As with plain tsc, -b after -p --incremental sees an up-to-date project: start each mode afresh.
    const runs = [
      [],
      ['-p', '.', '--incremental'],
      ['-p', '.', '--incremental'],
      [],
      ['-b', '.'],
      ['-b', '.'],
    ];
    try {
      for (const args of runs) {
        if (args.length === 0) {
          fs.rmSync(path.join(cell, 'out'), { recursive: true, force: true });
          fs.rmSync(path.join(cell, 'tsconfig.tsbuildinfo'), { force: true });
          continue;
        }
        const build = bin('typescript-5.9', 'tspc', args, cell);
        expect(build.output).toContain(
          "main.ts(6,29): error TS99001: gradscript: the operator '%' has no meaning on a Value",
        );
        expect(build.status).not.toBe(0);
      }
    } finally {
      fs.writeFileSync(path.join(cell, 'main.ts'), PROGRAM);
    }
  }, 120_000);
});

test('a Vite project builds through gradscript/vite, and its bundle runs', () => {
  const build = bin(
    'typescript-7',
    'vite',
    ['build', '--logLevel', 'warn'],
    path.join(workspace, 'typescript-7', 'vite'),
  );
  expect(build.output).toBe('');
  expect(build.status).toBe(0);
  const out = path.join(workspace, 'typescript-7', 'vite', 'out', 'main.js');
  expect(execFileSync(process.execPath, [out], { encoding: 'utf8' }).trim()).toBe(EXPECTED);
}, 120_000);

test('gradscript check reports errors at the user’s positions and exits non-zero', () => {
  const cell = path.join(workspace, 'typescript-7', 'commonjs');
  fs.writeFileSync(path.join(cell, 'main.ts'), PROGRAM.replace('u * 2', 'u % 2'));
  try {
    const check = bin('typescript-7', 'gradscript', ['check', '--no-pretty'], cell);
    expect(check.output).toContain(
      "main.ts(6,29): error TS99001: gradscript: the operator '%' has no meaning on a Value",
    );
    expect(check.output).toContain('Found 1 error.');
    expect(check.status).not.toBe(0);
  } finally {
    fs.writeFileSync(path.join(cell, 'main.ts'), PROGRAM);
  }
}, 120_000);

test('the project’s TypeScript 7 is left as it is, and gradscript brings its own 5.9', () => {
  const project = path.join(workspace, 'typescript-7');
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
