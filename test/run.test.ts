import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
const fixtures = path.join(__dirname, 'fixtures');

/** `gradscript run …` in `cwd`; with GRADSCRIPT_CACHE_DEBUG set, the cache reports on stderr. */
function runIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [cli, 'run', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', GRADSCRIPT_CACHE_DEBUG: '', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function run(...args: string[]) {
  return runIn(path.join(fixtures, 'run'), args);
}

describe('gradscript run', () => {
  // Each run compiles for a second or more: one run of ok.ts serves the first two tests.
  let ok: ReturnType<typeof run>;
  beforeAll(() => (ok = run('ok.ts', '3', '--flag')));

  test('type-checks, rewrites and runs a script with its arguments', () => {
    expect(ok.stderr).toBe('');
    expect(ok.stdout.split('\n')[0]).toBe('y=14 dy/dx=8 args=3,--flag');
    expect(ok.status).toBe(0);
  });

  test('runs the files a script imports, rewritten too', () => {
    expect(ok.stdout.split('\n')[1]).toBe('Value(data=8, grad=0)');
    expect(ok.status).toBe(0);
  });

  test('prints diagnostics at the user’s positions and exits non-zero without running', () => {
    const { status, stdout, stderr } = run('type-error.ts');
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      "type-error.ts(6,7): error TS2322: Type 'Value' is not assignable to type 'number'.",
    );
    expect(stderr).toContain(
      "type-error.ts(7,24): error TS99001: gradscript: the operator '%' has no meaning on a Value",
    );
  });

  test('a script that throws shows its stack at the user’s own line and column', () => {
    const { status, stderr } = run('throws.ts');
    expect(status).toBe(1);
    expect(stderr).toContain('Error: b is 5');
    expect(stderr).toMatch(/throws\.ts:5:23/);
  });

  test('a missing file is one clear line', () => {
    const { status, stderr } = run('nowhere.ts');
    expect(status).toBe(1);
    expect(stderr.trim()).toBe('gradscript: no such file: nowhere.ts');
  });
});

describe('gradscript run runs ES modules as Node does', () => {
  let dir: string;
  beforeAll(() => {
    // A copy with a node_modules of its own (a cache of its own, and gradscript to import).
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-run-esm-'));
    fs.cpSync(path.join(fixtures, 'run-esm'), dir, { recursive: true });
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(root, path.join(dir, 'node_modules', 'gradscript'), 'dir');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a "type": "module" script: top-level await, import.meta.url, ./x.js as x.ts, a .cts import', () => {
    const first = runIn(dir, ['main.ts', 'a', 'b'], { GRADSCRIPT_CACHE_DEBUG: '1' });
    expect(first.stdout).toBe('12 16 true a b\n');
    expect(first.stderr).toContain('gradscript cache: wrote');
    expect(first.status).toBe(0);
    const second = runIn(dir, ['main.ts', 'a', 'b'], { GRADSCRIPT_CACHE_DEBUG: '1' });
    expect(second.stdout).toBe('12 16 true a b\n');
    expect(second.stderr).toMatch(/^gradscript cache: hit/);
  });
});

describe('gradscript run caches the compiled script', () => {
  const projects: string[] = [];
  afterAll(() => projects.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  /** A copy of fixtures/run-cache with a node_modules of its own (hence a cache of its own). */
  function project(): { dir: string; cache: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-run-cache-'));
    projects.push(dir);
    fs.cpSync(path.join(fixtures, 'run-cache'), dir, { recursive: true });
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(root, path.join(dir, 'node_modules', 'gradscript'), 'dir');
    return { dir, cache: path.join(dir, 'node_modules', '.cache', 'gradscript') };
  }

  const debug = { GRADSCRIPT_CACHE_DEBUG: '1' };
  const manifests = (cache: string) => (fs.existsSync(cache) ? fs.readdirSync(cache) : []);

  test('a second run of an unchanged script uses the cache and rewrites nothing', () => {
    const { dir, cache } = project();
    const first = runIn(dir, ['main.ts'], debug);
    expect(first.stdout.trim()).toBe('Value(data=6, grad=0)');
    expect(first.stderr).toMatch(/^gradscript cache: miss: no cache entry/);
    expect(first.stderr).toContain('gradscript cache: wrote');
    expect(first.stderr).toContain(`gradscript cache: wrote V8's code for TypeScript (${cache}-v8`);
    const [manifest] = manifests(cache);
    const written = fs.statSync(path.join(cache, manifest)).mtimeMs;

    const second = runIn(dir, ['main.ts'], debug);
    expect(second.stdout.trim()).toBe('Value(data=6, grad=0)');
    expect(second.stderr.trim()).toMatch(/^gradscript cache: hit \([^\n]*\)$/);
    expect(second.status).toBe(0);
    expect(manifests(cache)).toEqual([manifest]);
    expect(fs.statSync(path.join(cache, manifest)).mtimeMs).toBe(written);
  });

  test('editing an imported file is a miss, and the new code runs; so is a tsconfig.json appearing where the first run found none', () => {
    const { dir } = project();
    runIn(dir, ['main.ts']);
    const scale = path.join(dir, 'scale.ts');
    fs.writeFileSync(scale, fs.readFileSync(scale, 'utf8').replace('v * 3', 'v * 4'));
    const edited = runIn(dir, ['main.ts'], debug);
    expect(edited.stderr).toContain(`gradscript cache: miss: ${scale} changed`);
    expect(edited.stdout.trim()).toBe('Value(data=8, grad=0)');
    expect(runIn(dir, ['main.ts'], debug).stderr).toContain('gradscript cache: hit');

    const config = path.join(dir, 'tsconfig.json');
    fs.writeFileSync(config, '{ "compilerOptions": { "strict": true, "skipLibCheck": true } }\n');
    const configured = runIn(dir, ['main.ts'], debug);
    expect(configured.stderr).toContain(`gradscript cache: miss: ${config} appeared`);
    expect(configured.stdout.trim()).toBe('Value(data=8, grad=0)');
  });

  test('an edited script compiles afresh only the files that changed and the files importing them', () => {
    const { dir } = project();
    const write = (name: string, lines: string[]) =>
      fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
    const model = (body: string) => [
      "import { Value } from 'gradscript';",
      `export function neuron(w: Value, x: number) { return ${body}; }`,
    ];
    const main = (weight: number, use: string) => [
      "import { Value } from 'gradscript';",
      "import { neuron } from './model';",
      "import { square } from './loss';",
      `const w = new Value(${weight});`,
      `const y = ${use};`,
      'y.backward();',
      'console.log(y.data, w.grad);',
    ];
    write('model.ts', model('w * x + 1'));
    write('loss.ts', [
      "import { Value } from 'gradscript';",
      'export const square = (v: Value) => v * v;',
    ]);
    write('run.ts', main(0.5, 'square(neuron(w, 2))'));
    const first = runIn(dir, ['run.ts'], debug);
    expect(first.stdout.trim()).toBe('4 8');
    expect(first.stderr).toContain('compiled 3 of 3 files afresh');

    // The script alone.
    write('run.ts', main(1.5, 'square(neuron(w, 2))'));
    let next = runIn(dir, ['run.ts'], debug);
    expect(next.stderr).toContain('compiled 1 of 3 files afresh');
    expect(next.stdout.trim()).toBe('16 16');

    // A file the script imports: it and the script, not the other import.
    write('loss.ts', [
      "import { Value } from 'gradscript';",
      'export const square = (v: Value) => v * v * 2;',
    ]);
    next = runIn(dir, ['run.ts'], debug);
    expect(next.stderr).toContain('compiled 2 of 3 files afresh');
    expect(next.stdout.trim()).toBe('32 32');

    // neuron() now gives a number: the unchanged script is type-checked again and fails there.
    write('model.ts', model('(w * x + 1).data'));
    next = runIn(dir, ['run.ts'], debug);
    expect(next.status).toBe(1);
    expect(next.stderr).toContain(
      "run.ts(5,18): error TS2345: Argument of type 'number' is not assignable to parameter of type 'Value'.",
    );

    // The script adapts to the number; then neuron() gives a Value again, and the unchanged
    // script's `neuron(w, 2) * 3` is rewritten to match.
    write('run.ts', main(1.5, 'square(w) + neuron(w, 2) * 3'));
    expect(runIn(dir, ['run.ts']).stdout.trim()).toBe('16.5 6');
    write('model.ts', model('w * x + 1'));
    next = runIn(dir, ['run.ts'], debug);
    expect(next.stderr).toContain('compiled 2 of 3 files afresh');
    expect(next.stdout.trim()).toBe('16.5 12');
    expect(runIn(dir, ['run.ts'], debug).stderr).toContain('gradscript cache: hit');
  });

  test('editing a file that declares globals compiles everything afresh', () => {
    const { dir } = project();
    const units = (n: number) =>
      `declare global {\n  var units: number;\n}\nglobalThis.units = ${n};\nexport {};\n`;
    fs.writeFileSync(path.join(dir, 'units.ts'), units(2));
    fs.writeFileSync(
      path.join(dir, 'uses.ts'),
      "import './units';\nimport { scale } from './scale';\nimport { Value } from 'gradscript';\nconsole.log(scale(new Value(units)).data);\n",
    );
    expect(runIn(dir, ['uses.ts']).stdout.trim()).toBe('6');
    fs.writeFileSync(path.join(dir, 'units.ts'), units(5));
    const { stdout, stderr } = runIn(dir, ['uses.ts'], debug);
    expect(stderr).toContain('compiled 3 of 3 files afresh');
    expect(stdout.trim()).toBe('15');
  });

  test('a new script starts from the compilation of another in its folder, unless what they share could compile differently', () => {
    const { dir, cache } = project();
    const write = (name: string, lines: string[]) =>
      fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
    const manifestOf = (script: string) =>
      path.join(
        cache,
        manifests(cache).find((name) => name.endsWith(`-${script}.json`))!,
      );
    expect(runIn(dir, ['main.ts'], debug).stderr).toContain('compiled 2 of 2 files afresh');

    // scale.ts, as main.ts's compilation left it, is reused: only the new script is compiled.
    write('twice.ts', [
      "import { Value } from 'gradscript';",
      "import { scale } from './scale';",
      'console.log(String(scale(new Value(5)) * 2));',
    ]);
    const twice = runIn(dir, ['twice.ts'], debug);
    expect(twice.stderr).toContain(`gradscript cache: miss: no cache entry`);
    expect(twice.stderr).toContain(`gradscript cache: starting from ${manifestOf('main.ts')}`);
    expect(twice.stderr).toContain('compiled 1 of 2 files afresh');
    expect(twice.stdout.trim()).toBe('Value(data=30, grad=0)');
    // V8 took the code main.ts's run kept for TypeScript: it is not written again.
    expect(twice.stderr).not.toContain("V8's code");

    // A declaration file of globals that the others did not see could change what scale.ts means.
    write('units.d.ts', ['declare var units: number;']);
    write('units.ts', [
      '/// <reference path="./units.d.ts" />',
      "import { Value } from 'gradscript';",
      "import { scale } from './scale';",
      'globalThis.units = 4;',
      'console.log(String(scale(new Value(units))));',
    ]);
    const units = runIn(dir, ['units.ts'], debug);
    expect(units.stderr).toContain(`gradscript cache: starting from ${manifestOf('twice.ts')}`);
    expect(units.stderr).toContain('compiled 2 of 2 files afresh');
    expect(units.stdout.trim()).toBe('Value(data=12, grad=0)');

    // A tsconfig.json appearing changes the options the others were compiled with.
    const config = path.join(dir, 'tsconfig.json');
    fs.writeFileSync(config, '{ "compilerOptions": { "strict": true, "skipLibCheck": true } }\n');
    write('thrice.ts', [
      "import { Value } from 'gradscript';",
      "import { scale } from './scale';",
      'console.log(String(scale(new Value(5)) * 3));',
    ]);
    const thrice = runIn(dir, ['thrice.ts'], debug);
    expect(thrice.stderr).toContain(
      `gradscript cache: not starting from ${manifestOf('units.ts')}: ${config} appeared`,
    );
    expect(thrice.stderr).toContain('compiled 2 of 2 files afresh');
    expect(thrice.stdout.trim()).toBe('Value(data=45, grad=0)');
  });

  test('with no tsconfig.json, a script is checked strictly, as for Node: without the DOM', () => {
    const { dir } = project();
    fs.writeFileSync(
      path.join(dir, 'dom.ts'),
      'export function title(page) {\n  return document.title + page;\n}\n',
    );
    const { status, stdout, stderr } = runIn(dir, ['dom.ts']);
    expect(stderr).toContain(
      "dom.ts(1,23): error TS7006: Parameter 'page' implicitly has an 'any' type.",
    );
    expect(stderr).toContain("dom.ts(2,10): error TS2584: Cannot find name 'document'.");
    expect(stdout).toBe('');
    expect(status).toBe(1);
  });

  test('--no-cache neither reads nor writes the cache', () => {
    const { dir, cache } = project();
    const { status, stdout, stderr } = runIn(dir, ['--no-cache', 'main.ts'], debug);
    expect(stdout.trim()).toBe('Value(data=6, grad=0)');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(manifests(cache)).toEqual([]);
    expect(fs.existsSync(`${cache}-v8`)).toBe(false);
  });

  test('four runs racing on an empty cache all run the script, and leave one usable entry', async () => {
    const { dir, cache } = project();
    const racing = Array.from(
      { length: 4 },
      () =>
        new Promise<{ status: number | null; stdout: string }>((resolve) => {
          const child = spawn(process.execPath, [cli, 'run', 'main.ts'], {
            cwd: dir,
            env: { ...process.env, CI: 'true', GRADSCRIPT_CACHE_DEBUG: '' },
          });
          let stdout = '';
          child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
          child.on('close', (status) => resolve({ status, stdout }));
        }),
    );
    for (const { status, stdout } of await Promise.all(racing)) {
      expect({ status, stdout: stdout.trim() }).toEqual({
        status: 0,
        stdout: 'Value(data=6, grad=0)',
      });
    }
    expect(manifests(cache)).toHaveLength(1);
    expect(runIn(dir, ['main.ts'], debug).stderr).toContain('gradscript cache: hit');
  }, 60_000);

  test('a cache entry cut short, or with its JavaScript altered, is a miss, not a crash', () => {
    const { dir, cache } = project();
    runIn(dir, ['main.ts']);
    const manifest = path.join(cache, manifests(cache)[0]);
    const damages = {
      'cut short': (text: string) => text.slice(0, text.length >> 1),
      'with its JavaScript altered': (text: string) => text.replace('mul', 'div'),
    };
    for (const [damaged, damage] of Object.entries(damages)) {
      fs.writeFileSync(manifest, damage(fs.readFileSync(manifest, 'utf8')));
      const { status, stdout, stderr } = runIn(dir, ['main.ts'], debug);
      expect({ damaged, stderr }).toEqual({
        damaged,
        stderr: expect.stringMatching(/^gradscript cache: miss: unusable cache entry/),
      });
      expect(stdout.trim()).toBe('Value(data=6, grad=0)');
      expect(status).toBe(0);
      expect(runIn(dir, ['main.ts'], debug).stderr).toContain('gradscript cache: hit');
    }
  });
});

describe('gradscript run runs a script as node does', () => {
  // One run of run-node/main.ts (which prints a line for each) serves the first three tests.
  let main: ReturnType<typeof runIn>;
  let lines: string[];
  beforeAll(() => {
    main = runIn(path.join(fixtures, 'run-node'), [
      'main.ts',
      '-h',
      '--foo',
      '--no-cache',
      '--',
      'x',
    ]);
    lines = main.stdout.split('\n');
  });

  test('require.main is the script’s module, and only the script’s', () => {
    expect(main.stderr).toBe('');
    expect(lines[0]).toBe('main: true, imported: false');
    expect(main.status).toBe(0);
  });

  test('everything after the script’s name goes to the script, options included', () => {
    expect(main.stderr).toBe('');
    expect(JSON.parse(lines[2])).toEqual(['-h', '--foo', '--no-cache', '--', 'x']);
    expect(main.status).toBe(0);
  });

  test('an import of ./twice.js runs twice.ts, as TypeScript resolved it', () => {
    expect(main.stderr).toBe('');
    expect(lines[1]).toBe('Value(data=8, grad=0)');
    expect(main.status).toBe(0);
  });

  test('a malformed tsconfig.json is an error at its line, and nothing runs', () => {
    const { status, stdout, stderr } = runIn(path.join(fixtures, 'run-bad-tsconfig'), [
      'script.ts',
    ]);
    expect(stdout).toBe('');
    expect(stderr).toContain('tsconfig.json(3,20): error TS1136: Property assignment expected.');
    expect(status).toBe(1);
  });

  test('a directory is said to be one', () => {
    const { status, stderr } = runIn(fixtures, ['run-node']);
    expect(stderr.trim()).toBe('gradscript: run-node is a directory, not a script');
    expect(status).toBe(1);
  });

  test('with allowJs, JavaScript files are run as TypeScript compiled them', () => {
    const { status, stdout, stderr } = runIn(path.join(fixtures, 'run-allowjs'), ['main.ts']);
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe('8');
    expect(status).toBe(0);
  });

  test('a Vite-style tsconfig (noEmit, allowImportingTsExtensions, ESNext modules) runs', () => {
    const { status, stdout, stderr } = runIn(path.join(fixtures, 'run-vite'), ['main.ts']);
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe('Value(data=4, grad=0)');
    expect(status).toBe(0);
  });
});
