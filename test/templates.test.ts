/**
 * The first try, where people start today: the packed package installed into projects made the
 * way the README's "In your project" section makes them, each cell running that section's
 * commands. `tsc --init` on TypeScript 5.9 and 7 in an ES-module package (its defaults
 * untouched); create-vite's vanilla-ts app importing from `gradscript`, built with the README's
 * script and opened in Chromium; a script in a folder with no node_modules; Rollup, webpack,
 * esbuild and Rspack builds; the editor plugin in tsserver 5.9 and 6. Each project starts from one
 * install of the packed package (./packed.ts), shared with consumer.test.ts, and then runs the
 * README's `npm install` of gradscript and what the project adds.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium';
import { npm, packedInstall, startFromPackedInstall } from './packed';
import { TsServer } from './tsserver';

const root = path.join(__dirname, '..');
const rootModules = path.join(root, 'node_modules');
let workspace: string;
/** What each project's `npm install` printed. */
const installLogs = new Map<string, string>();

/**
 * Each project and what it installs beside gradscript: registry packages, at the versions this
 * repository's lock file has (so npm's cache has them), TypeScript 7 as create-vite gives it.
 */
const PROJECTS = {
  'tsc-init-5.9': ['typescript@5.9.3'],
  'tsc-init-7': ['typescript@7.0.2'],
  'vanilla-ts': ['typescript@7.0.2', `vite@${installed('vite')}`],
  bundlers: ['rollup', 'webpack', 'esbuild', '@rspack/core'].map(
    (name) => `${name}@${installed(name)}`,
  ),
  'typescript-6': [`typescript@${installed('typescript6')}`],
} as const;
type Project = keyof typeof PROJECTS;

/** The version of a package in this repository's node_modules. */
function installed(name: string): string {
  const manifest = path.join(rootModules, name, 'package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

const dir = (project: Project) => path.join(workspace, project);

function sh(project: Project, command: string, args: string[], cwd = dir(project)) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
  });
  return { status: result.status, output: result.stdout + result.stderr };
}
const npx = (project: Project, ...args: string[]) =>
  sh(project, path.join(dir(project), 'node_modules', '.bin', args[0]), args.slice(1));

/** A program valid under tsc --init's strictest defaults (noUncheckedIndexedAccess and all). */
const MAIN = `import { Value } from 'gradscript';

const a = new Value(2);
const b = new Value(3);
const terms = [a * b, a / b];
let total = new Value(0);
for (const term of terms) total = total + term;
const [first] = terms;
const e = total * 2 - (first?.data ?? 0);
e.backward();
console.log(e.data.toFixed(4), a.grad.toFixed(4), b.grad.toFixed(4));
`;
const MAIN_PRINTS = '7.3333 6.6667 3.5556';

beforeAll(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-templates-'));
  const { tarball, installLog } = packedInstall();
  installLogs.set('the packed package alone', installLog);
  for (const [project, dependencies] of Object.entries(PROJECTS)) {
    const cwd = path.join(workspace, project);
    fs.mkdirSync(cwd);
    // As the README says: an ES-module package.
    execFileSync(npm, ['init', '-y'], { cwd, stdio: 'pipe' });
    execFileSync(npm, ['pkg', 'set', 'type=module'], { cwd, stdio: 'pipe' });
    startFromPackedInstall(cwd);
    const install = spawnSync(
      npm,
      ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...dependencies],
      { cwd, encoding: 'utf8' },
    );
    if (install.status !== 0) throw new Error(`npm install in ${project}: ${install.stderr}`);
    installLogs.set(project, install.stdout + install.stderr);
  }
}, 900_000);

afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

test('installing the package prints no warning of gradscript’s own', () => {
  for (const log of installLogs.values()) {
    expect(log.split('\n').filter((line) => /warn/i.test(line) && /gradscript/.test(line))).toEqual(
      [],
    );
  }
});

describe.each(['tsc-init-5.9', 'tsc-init-7'] as const)('%s, an ES-module package', (project) => {
  beforeAll(() => {
    expect(npx(project, 'tsc', '--init').status).toBe(0);
    fs.writeFileSync(path.join(dir(project), 'main.ts'), MAIN);
  });

  test('gradscript run runs the script as an ES module, with Node’s types', () => {
    fs.writeFileSync(
      path.join(dir(project), 'script.ts'),
      `import { Value } from 'gradscript';
const x = new Value(await Promise.resolve(3));
const y = x * x;
y.backward();
process.stdout.write(\`\${y.data} \${x.grad} \${import.meta.url.endsWith('script.ts')}\\n\`);
`,
    );
    const run = npx(project, 'gradscript', 'run', 'script.ts');
    expect(run.output).toBe('9 6 true\n');
    expect(run.status).toBe(0);
  });

  test('gradscript build writes what node runs, with the defaults untouched', () => {
    fs.rmSync(path.join(dir(project), 'script.ts'), { force: true });
    const build = npx(project, 'gradscript', 'build', '--no-pretty');
    expect(build.output).toBe('');
    expect(build.status).toBe(0);
    const node = sh(project, process.execPath, ['main.js']);
    expect(node.output.trim()).toBe(MAIN_PRINTS);
  });

  test('Node’s globals in a build follow the tsconfig’s types, as tsc’s do', () => {
    fs.writeFileSync(path.join(dir(project), 'node.ts'), 'process.exitCode = 0;\n');
    try {
      const build = npx(project, 'gradscript', 'check', '--no-pretty');
      expect(build.output).toContain("node.ts(1,1): error TS2591: Cannot find name 'process'.");
      expect(build.status).not.toBe(0);
    } finally {
      fs.rmSync(path.join(dir(project), 'node.ts'));
    }
  });
});

test('a script in a folder with no node_modules has Node’s types', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-bare-'));
  try {
    fs.writeFileSync(
      path.join(folder, 'script.ts'),
      'process.stdout.write(`${process.argv.slice(2).join(",")}\\n`);\n',
    );
    const cli = path.join(dir('tsc-init-7'), 'node_modules', 'gradscript', 'dist', 'src', 'cli');
    const run = spawnSync(process.execPath, [path.join(cli, 'main.js'), 'run', 'script.ts', 'a'], {
      cwd: folder,
      encoding: 'utf8',
    });
    expect(run.stdout + run.stderr).toBe('a\n');
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

describe('create-vite’s vanilla-ts app importing from gradscript', () => {
  const project = 'vanilla-ts';
  let build: { status: number | null; output: string };

  beforeAll(() => {
    const app = dir(project);
    // create-vite's build script is `tsc && vite build`; the README's takes its place.
    expect(
      sh(project, npm, ['pkg', 'set', 'scripts.build=gradscript check && vite build']).status,
    ).toBe(0);
    // create-vite 9's tsconfig.json for vanilla-ts, as it writes it.
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2023',
          module: 'esnext',
          lib: ['ES2023', 'DOM'],
          types: ['vite/client'],
          allowArbitraryExtensions: true,
          skipLibCheck: true,
          moduleResolution: 'bundler',
          allowImportingTsExtensions: true,
          verbatimModuleSyntax: true,
          moduleDetection: 'force',
          noEmit: true,
          noUnusedLocals: true,
          noUnusedParameters: true,
          erasableSyntaxOnly: true,
          noFallthroughCasesInSwitch: true,
        },
        include: ['src'],
      }),
    );
    fs.writeFileSync(
      path.join(app, 'vite.config.ts'),
      "import { gradscript } from 'gradscript/vite';\n\nexport default { plugins: [gradscript()] };\n",
    );
    fs.writeFileSync(
      path.join(app, 'index.html'),
      '<!doctype html>\n<html lang="en">\n<body>\n<div id="app"></div>\n<script type="module" src="/src/main.ts"></script>\n</body>\n</html>\n',
    );
    fs.mkdirSync(path.join(app, 'src'));
    fs.writeFileSync(
      path.join(app, 'src', 'main.ts'),
      `import { MLP, SGD, Value, moons } from 'gradscript';

const { x, y } = moons(60, { noise: 0.1, seed: 1 });
const model = new MLP(2, [8, 1], { seed: 1 });
const sgd = new SGD(model.parameters(), { lr: 0.1 });
const score = (point: number[]) => model.forward(point)[0];
for (let step = 0; step < 40; step++) {
  const margins = x.map((point, i) => (1 - (2 * y[i] - 1) * score(point)).relu());
  const loss = Value.sum(margins) / margins.length;
  sgd.zeroGrad();
  loss.backward();
  sgd.step();
}
const right = x.filter((point, i) => (score(point).data > 0 ? 1 : 0) === y[i]).length;
document.querySelector('#app')!.textContent = \`accuracy \${((100 * right) / x.length).toFixed(1)}%\`;
`,
    );
    build = sh(project, npm, ['run', 'build']);
  }, 300_000);

  test('npm run build (gradscript check && vite build) passes with no Node built-in in the bundle', () => {
    expect(build.output).not.toMatch(/externalized for browser compatibility|error/i);
    expect(build.status).toBe(0);
  });

  test('the built page trains in Chromium with no page error', async () => {
    const served = path.join(dir(project), 'dist');
    const server = http.createServer((request, response) => {
      const file = path.join(served, request.url === '/' ? 'index.html' : request.url!);
      if (!file.startsWith(served) || !fs.existsSync(file))
        return void response.writeHead(404).end();
      const type = file.endsWith('.js') ? 'text/javascript' : 'text/html';
      response.writeHead(200, { 'content-type': type }).end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const browser = await chromium.launch({
      executablePath: (await chromiumExecutable()).path,
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => /accuracy/.test(document.body.textContent ?? ''));
      const text = await page.textContent('#app');
      expect(errors).toEqual([]);
      expect(Number(/accuracy ([\d.]+)%/.exec(text ?? '')?.[1])).toBeGreaterThan(80);
    } finally {
      await browser.close();
      server.close();
    }
  }, 120_000);
});

describe('bundlers through one plugin', () => {
  const project = 'bundlers';
  const configs: Record<string, string> = {
    rollup: `import { rollup } from 'rollup';
import { gradscript } from 'gradscript/rollup';
const bundle = await rollup({ input: 'src/main.ts', external: (id) => id.startsWith('gradscript'), plugins: [gradscript()] });
await bundle.write({ file: 'out/rollup.mjs', format: 'es', sourcemap: true });`,
    esbuild: `import { build } from 'esbuild';
import { gradscript } from 'gradscript/esbuild';
await build({ entryPoints: ['src/main.ts'], bundle: true, platform: 'node', format: 'esm', outfile: 'out/esbuild.mjs', packages: 'external', sourcemap: true, plugins: [gradscript()] });`,
    webpack: `import webpack from 'webpack';
import { gradscript } from 'gradscript/webpack';
webpack({ mode: 'production', target: 'node', entry: './src/main.ts', devtool: 'source-map', output: { path: process.cwd() + '/out', filename: 'webpack.cjs' }, externals: [/^gradscript/], externalsType: 'commonjs', plugins: [gradscript()] }, (error, stats) => { if (error || stats.hasErrors()) { console.error(error ?? stats.toString()); process.exitCode = 1; } });`,
    rspack: `import { rspack } from '@rspack/core';
import { gradscript } from 'gradscript/rspack';
rspack({ mode: 'production', target: 'node', entry: './src/main.ts', devtool: 'source-map', output: { path: process.cwd() + '/out', filename: 'rspack.cjs' }, externals: [/^gradscript/], externalsType: 'commonjs', plugins: [gradscript()] }, (error, stats) => { if (error || stats.hasErrors()) { console.error(error ?? stats.toString()); process.exitCode = 1; } });`,
  };
  const outputs: Record<string, string> = {
    rollup: 'rollup.mjs',
    esbuild: 'esbuild.mjs',
    webpack: 'webpack.cjs',
    rspack: 'rspack.cjs',
  };

  beforeAll(() => {
    const src = path.join(dir(project), 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(
      path.join(dir(project), 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'esnext',
          moduleResolution: 'bundler',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
        },
        include: ['src'],
      }),
    );
    fs.writeFileSync(
      path.join(src, 'lib.ts'),
      "import type { Value } from 'gradscript';\nexport const square = (x: Value): Value => x * x;\n",
    );
    fs.writeFileSync(
      path.join(src, 'main.ts'),
      `import { Value } from 'gradscript';
import { square } from './lib';
const a = new Value(2);
const b = new Value(3);
const u: Value | number = Math.random() < 2 ? a : 0;
const e = square(a) * b - 1 / a + u * 2;
e.backward();
console.log(e.data, a.grad, b.grad);
`,
    );
    for (const [name, config] of Object.entries(configs)) {
      fs.writeFileSync(path.join(dir(project), `build-${name}.mjs`), config + '\n');
    }
  });

  test.each(Object.keys(configs))(
    '%s builds a natural-arithmetic module whose output runs',
    (name) => {
      const build = sh(project, process.execPath, [`build-${name}.mjs`]);
      expect(build.output).toBe('');
      expect(build.status).toBe(0);
      const run = sh(project, process.execPath, [path.join('out', outputs[name])]);
      expect(run.output.trim()).toBe('15.5 14.25 4');
    },
    120_000,
  );
});

describe.each(['tsc-init-5.9', 'typescript-6'] as const)(
  'the editor plugin in %s’s tsserver',
  (project) => {
    let server: TsServer;
    const file = () => path.join(dir(project), 'editor', 'main.ts');
    const text = `import { Value } from 'gradscript';
const a = new Value(2);
const b = new Value(3);
const d = a * b + 1;
d.backward();
`;

    beforeAll(() => {
      const folder = path.join(dir(project), 'editor');
      fs.mkdirSync(folder);
      fs.writeFileSync(
        path.join(folder, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'nodenext',
            strict: true,
            plugins: [{ name: 'gradscript/language-service' }],
          },
        }),
      );
      fs.writeFileSync(file(), text);
      const tsserver = path.join(dir(project), 'node_modules', 'typescript', 'lib', 'tsserver.js');
      server = new TsServer(dir(project), tsserver);
      server.notify('open', { file: file() });
    });

    afterAll(() => server.close());

    test('no false diagnostic on natural arithmetic', async () => {
      const diagnostics = await server.request<unknown[]>('semanticDiagnosticsSync', {
        file: file(),
      });
      expect(diagnostics).toEqual([]);
    }, 60_000);

    test('completions after `d.` list only the public API', async () => {
      const { entries } = await server.request<{ entries: { name: string }[] }>('completionInfo', {
        file: file(),
        line: 5,
        offset: 3,
      });
      const names = entries.map((e) => e.name);
      expect(names).toEqual(expect.arrayContaining(['backward', 'grad', 'data', 'mul', 'tanh']));
      for (const internal of ['code', 'mark', 'operand', 'other', 'topologicalOrder'])
        expect(names).not.toContain(internal);
    }, 60_000);
  },
);
