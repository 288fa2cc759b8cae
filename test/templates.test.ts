/**
 * The first try, where people start today: the packed package installed into projects made the
 * way the README's "In your project" section makes them, each cell running that section's
 * commands. `tsc --init` on TypeScript 5.9 and 7 in an ES-module package (its defaults
 * untouched); create-vite's vanilla-ts app importing from `gradscript`, built with the README's
 * script and opened in Chromium; a script in a folder with no node_modules; Rollup, webpack,
 * esbuild and Rspack builds; the editor plugin in tsserver 5.9 and 6. The installs are
 * ./packed.ts's (shared with consumer.test.ts), each made by the README's `npm init -y`,
 * `npm pkg set type=module` and `npm install` of gradscript and what the project adds. Each test
 * makes its own project: a folder inside an install, with the package.json those commands wrote,
 * whose files find the install's node_modules as the install's own would; so the tests can run
 * at the same time.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium';
import {
  installedProject,
  newFolderIn,
  npm,
  packedInstall,
  type InstalledProject,
  type SharedProject,
} from './packed';
import { spawnAndWait, type Finished } from './spawn';
import { TsServer } from './tsserver';

/** The install that each kind of project is made in. */
const INSTALLS = {
  'tsc-init-5.9': 'typescript-5.9',
  'tsc-init-7': 'typescript-7',
  'vanilla-ts': 'typescript-7',
  bundlers: 'bundlers',
  'typescript-6': 'typescript-6',
} as const satisfies Record<string, SharedProject>;
type Kind = keyof typeof INSTALLS;

/** Each install, and this run's folder inside it. */
const installs = new Map<SharedProject, InstalledProject & { run: string }>();
/** What each `npm install` printed. */
const installLogs = new Map<string, string>();

beforeAll(async () => {
  const names = [...new Set(Object.values(INSTALLS))];
  const [packed, ...made] = await Promise.all([
    packedInstall(),
    ...names.map((name) => installedProject(name)),
  ]);
  installLogs.set('the packed package alone', packed.installLog);
  names.forEach((name, i) => {
    installLogs.set(name, made[i].installLog);
    installs.set(name, { ...made[i], run: newFolderIn(made[i].dir, 'templates') });
  });
}, 900_000);

afterAll(() => {
  for (const { run } of installs.values()) fs.rmSync(run, { recursive: true, force: true });
});

interface Project {
  dir: string;
  /** Runs one of the project's commands (node_modules/.bin), as npx would. */
  npx(name: string, ...args: string[]): Promise<Finished>;
}

/** A new project of `kind`: a folder in its install, with the package.json the README's commands wrote. */
function newProject(kind: Kind): Project {
  const install = installs.get(INSTALLS[kind])!;
  const dir = newFolderIn(install.run, kind);
  fs.copyFileSync(path.join(install.dir, 'package.json'), path.join(dir, 'package.json'));
  return {
    dir,
    npx: (name, ...args) => sh(path.join(install.dir, 'node_modules', '.bin', name), args, dir),
  };
}

function sh(command: string, args: string[], cwd: string) {
  return spawnAndWait(command, args, {
    cwd,
    env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
  });
}

const TIMEOUT = 300_000;

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

test('installing the package prints no warning of gradscript’s own', () => {
  for (const log of installLogs.values()) {
    expect(log.split('\n').filter((line) => /warn/i.test(line) && /gradscript/.test(line))).toEqual(
      [],
    );
  }
});

// jest starts concurrent tests in this order, five at a time: the longest chains first.
let viteApp: Promise<{ dir: string; build: Finished }> | undefined;

/** create-vite's vanilla-ts app importing from gradscript, built: once, for the tests that look at it. */
function builtViteApp() {
  viteApp ??= (async () => {
    const { dir } = newProject('vanilla-ts');
    // create-vite's build script is `tsc && vite build`; the README's takes its place.
    expect(
      (await sh(npm, ['pkg', 'set', 'scripts.build=gradscript check && vite build'], dir)).status,
    ).toBe(0);
    // create-vite 9's tsconfig.json for vanilla-ts, as it writes it.
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
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
      path.join(dir, 'vite.config.ts'),
      "import { gradscript } from 'gradscript/vite';\n\nexport default { plugins: [gradscript()] };\n",
    );
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html>\n<html lang="en">\n<body>\n<div id="app"></div>\n<script type="module" src="/src/main.ts"></script>\n</body>\n</html>\n',
    );
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(
      path.join(dir, 'src', 'main.ts'),
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
    return { dir, build: await sh(npm, ['run', 'build'], dir) };
  })();
  return viteApp;
}

test.concurrent(
  'create-vite’s vanilla-ts app importing from gradscript: npm run build (gradscript check && vite build) passes with no Node built-in in the bundle',
  async () => {
    const { build } = await builtViteApp();
    expect(build.output).not.toMatch(/externalized for browser compatibility|error/i);
    expect(build.status).toBe(0);
  },
  TIMEOUT,
);

test.concurrent(
  'create-vite’s vanilla-ts app importing from gradscript: the built page trains in Chromium with no page error',
  async () => {
    const served = path.join((await builtViteApp()).dir, 'dist');
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
  },
  TIMEOUT,
);

const EDITORS = ['tsc-init-5.9', 'typescript-6'] as const;
const EDITED = `import { Value } from 'gradscript';
const a = new Value(2);
const b = new Value(3);
const d = a * b + 1;
d.backward();
`;
const editors = new Map<Kind, { server: TsServer; file: string }>();

/** A tsserver of `kind`'s TypeScript with EDITED open, under a tsconfig naming the plugin: started once. */
function editor(kind: (typeof EDITORS)[number]) {
  let started = editors.get(kind);
  if (!started) {
    const { dir } = newProject(kind);
    const folder = path.join(dir, 'editor');
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
    const file = path.join(folder, 'main.ts');
    fs.writeFileSync(file, EDITED);
    const install = installs.get(INSTALLS[kind])!.dir;
    const tsserver = path.join(install, 'node_modules', 'typescript', 'lib', 'tsserver.js');
    const server = new TsServer(install, tsserver);
    server.notify('open', { file });
    started = { server, file };
    editors.set(kind, started);
  }
  return started;
}

afterAll(() => {
  for (const { server } of editors.values()) server.close();
});

test.concurrent.each(EDITORS)(
  'the editor plugin in %s’s tsserver: no false diagnostic on natural arithmetic',
  async (kind) => {
    const { server, file } = editor(kind);
    const diagnostics = await server.request<unknown[]>('semanticDiagnosticsSync', { file });
    expect(diagnostics).toEqual([]);
  },
  TIMEOUT,
);

test.concurrent.each(EDITORS)(
  'the editor plugin in %s’s tsserver: completions after `d.` list only the public API',
  async (kind) => {
    const { server, file } = editor(kind);
    const { entries } = await server.request<{ entries: { name: string }[] }>('completionInfo', {
      file,
      line: 5,
      offset: 3,
    });
    const names = entries.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['backward', 'grad', 'data', 'mul', 'tanh']));
    for (const internal of ['code', 'mark', 'operand', 'other', 'topologicalOrder'])
      expect(names).not.toContain(internal);
  },
  TIMEOUT,
);

const TSC_INIT = ['tsc-init-5.9', 'tsc-init-7'] as const;

const tscInitConfigs = new Map<Kind, Promise<string>>();

/** The tsconfig.json that `tsc --init` writes with `kind`'s TypeScript, written once and read. */
function tscInitConfig(kind: (typeof TSC_INIT)[number]): Promise<string> {
  let config = tscInitConfigs.get(kind);
  if (!config) {
    const project = newProject(kind);
    config = project.npx('tsc', '--init').then((init) => {
      expect(init.status).toBe(0);
      return fs.readFileSync(path.join(project.dir, 'tsconfig.json'), 'utf8');
    });
    tscInitConfigs.set(kind, config);
  }
  return config;
}

/** A project of `kind` with that tsconfig.json, and MAIN. */
async function tscInitProject(kind: (typeof TSC_INIT)[number]): Promise<Project> {
  const project = newProject(kind);
  fs.writeFileSync(path.join(project.dir, 'tsconfig.json'), await tscInitConfig(kind));
  fs.writeFileSync(path.join(project.dir, 'main.ts'), MAIN);
  return project;
}

test.concurrent.each(TSC_INIT)(
  '%s, an ES-module package: gradscript run runs the script as an ES module, with Node’s types',
  async (kind) => {
    const project = await tscInitProject(kind);
    fs.writeFileSync(
      path.join(project.dir, 'script.ts'),
      `import { Value } from 'gradscript';
const x = new Value(await Promise.resolve(3));
const y = x * x;
y.backward();
process.stdout.write(\`\${y.data} \${x.grad} \${import.meta.url.endsWith('script.ts')}\\n\`);
`,
    );
    const run = await project.npx('gradscript', 'run', 'script.ts');
    expect(run.output).toBe('9 6 true\n');
    expect(run.status).toBe(0);
  },
  TIMEOUT,
);

test.concurrent.each(TSC_INIT)(
  '%s, an ES-module package: gradscript build writes what node runs, with the defaults untouched',
  async (kind) => {
    const project = await tscInitProject(kind);
    const build = await project.npx('gradscript', 'build', '--no-pretty');
    expect(build.output).toBe('');
    expect(build.status).toBe(0);
    const node = await sh(process.execPath, ['main.js'], project.dir);
    expect(node.output.trim()).toBe(MAIN_PRINTS);
  },
  TIMEOUT,
);

test.concurrent.each(TSC_INIT)(
  '%s, an ES-module package: Node’s globals in a build follow the tsconfig’s types, as tsc’s do',
  async (kind) => {
    const project = await tscInitProject(kind);
    fs.writeFileSync(path.join(project.dir, 'node.ts'), 'process.exitCode = 0;\n');
    const build = await project.npx('gradscript', 'check', '--no-pretty');
    expect(build.output).toContain("node.ts(1,1): error TS2591: Cannot find name 'process'.");
    expect(build.status).not.toBe(0);
  },
  TIMEOUT,
);

test.concurrent(
  'a script in a folder with no node_modules has Node’s types',
  async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-bare-'));
    try {
      fs.writeFileSync(
        path.join(folder, 'script.ts'),
        'process.stdout.write(`${process.argv.slice(2).join(",")}\\n`);\n',
      );
      const { dir } = installs.get(INSTALLS['tsc-init-7'])!;
      const cli = path.join(dir, 'node_modules', 'gradscript', 'dist', 'src', 'cli');
      const run = await spawnAndWait(
        process.execPath,
        [path.join(cli, 'main.js'), 'run', 'script.ts', 'a'],
        { cwd: folder },
      );
      expect(run.output).toBe('a\n');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  },
  TIMEOUT,
);

/** Each bundler's build script, as its documentation writes one, with gradscript's plugin. */
const BUNDLER_SCRIPTS: Record<string, string> = {
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
const BUNDLER_OUTPUTS: Record<string, string> = {
  rollup: 'rollup.mjs',
  esbuild: 'esbuild.mjs',
  webpack: 'webpack.cjs',
  rspack: 'rspack.cjs',
};

let bundlerProject: string | undefined;

/** One project with a natural-arithmetic module and each bundler's build script, made once. */
function bundlersProject(): string {
  if (bundlerProject) return bundlerProject;
  const { dir } = newProject('bundlers');
  const src = path.join(dir, 'src');
  fs.mkdirSync(src);
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
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
  for (const [name, script] of Object.entries(BUNDLER_SCRIPTS)) {
    fs.writeFileSync(path.join(dir, `build-${name}.mjs`), script + '\n');
  }
  return (bundlerProject = dir);
}

test.concurrent.each(Object.keys(BUNDLER_SCRIPTS))(
  'bundlers through one plugin: %s builds a natural-arithmetic module whose output runs',
  async (name) => {
    const dir = bundlersProject();
    const build = await sh(process.execPath, [`build-${name}.mjs`], dir);
    expect(build.output).toBe('');
    expect(build.status).toBe(0);
    const run = await sh(process.execPath, [path.join('out', BUNDLER_OUTPUTS[name])], dir);
    expect(run.output.trim()).toBe('15.5 14.25 4');
  },
  TIMEOUT,
);
