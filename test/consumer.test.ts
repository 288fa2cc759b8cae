/**
 * The package as a user gets it: `npm pack`, installed beside TypeScript and ts-patch in a fresh
 * folder, building natural arithmetic with `tspc` and running it with `gradscript run`.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let project: string;

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-consumer-'));
  execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', project], {
    cwd: root,
    stdio: 'pipe',
  });
  const tarball = fs.readdirSync(project).find((f) => f.endsWith('.tgz'))!;
  const dependency = (name: string) => `file:${path.join(root, 'node_modules', name)}`;
  write('package.json', {
    private: true,
    dependencies: {
      gradscript: `file:./${tarball}`,
      typescript: dependency('typescript'),
      'ts-patch': dependency('ts-patch'),
      '@types/node': dependency('@types/node'),
    },
  });
  write('tsconfig.json', {
    compilerOptions: {
      target: 'ES2022',
      module: 'node16',
      strict: true,
      outDir: 'out',
      sourceMap: true,
      skipLibCheck: true,
      plugins: [{ transform: 'gradscript/transformer', transformProgram: true }],
    },
    include: ['main.ts'],
  });
  fs.writeFileSync(
    path.join(project, 'main.ts'),
    [
      "import { Value } from 'gradscript';",
      'const a = new Value(2);',
      'const b = new Value(3);',
      'const u: Value | number = Number(process.argv[2] ?? 1) > 0 ? a : 0;',
      'const d = a * b;',
      'const e = d * 2 - 1 / a + u * 2;',
      'e.backward();',
      'console.log(e.data, a.grad, b.grad);',
      '',
    ].join('\n'),
  );
  execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: project,
    stdio: 'pipe',
  });
}, 120_000);

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

function write(name: string, json: unknown) {
  fs.writeFileSync(path.join(project, name), JSON.stringify(json, null, 2));
}

function bin(name: string, args: string[]) {
  return spawnSync(path.join(project, 'node_modules', '.bin', name), args, {
    cwd: project,
    encoding: 'utf8',
  });
}

test('tspc builds natural arithmetic that runs to the right numbers', () => {
  const build = bin('tspc', ['-p', '.']);
  expect(build.stdout + build.stderr).toBe('');
  expect(build.status).toBe(0);
  const out = execFileSync(process.execPath, [path.join(project, 'out', 'main.js')], {
    encoding: 'utf8',
  });
  expect(out.trim()).toBe('15.5 8.25 4');
}, 60_000);

test('incremental builds and -b report errors at the user’s positions, every time', () => {
  fs.writeFileSync(
    path.join(project, 'main.ts'),
    fs.readFileSync(path.join(project, 'main.ts'), 'utf8').replace('u * 2', 'u % 2'),
  );
  // As with plain tsc, -b after -p --incremental sees an up-to-date project: start each mode afresh.
  const runs = [
    [],
    ['-p', '.', '--incremental'],
    ['-p', '.', '--incremental'],
    [],
    ['-b', '.'],
    ['-b', '.'],
  ];
  for (const args of runs) {
    if (args.length === 0) {
      fs.rmSync(path.join(project, 'out'), { recursive: true, force: true });
      continue;
    }
    const build = bin('tspc', args);
    expect(build.stdout).toContain(
      "main.ts(6,29): error TS99001: gradscript: the operator '%' has no meaning on a Value",
    );
    expect(build.status).not.toBe(0);
  }
}, 60_000);

test('gradscript run runs a script in the consumer project', () => {
  fs.writeFileSync(
    path.join(project, 'main.ts'),
    fs.readFileSync(path.join(project, 'main.ts'), 'utf8').replace('u % 2', 'u * 2'),
  );
  const run = bin('gradscript', ['run', 'main.ts']);
  expect(run.stderr).toBe('');
  expect(run.stdout.trim()).toBe('15.5 8.25 4');
}, 60_000);
