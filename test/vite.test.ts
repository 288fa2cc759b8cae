/**
 * The Vite plugin, run by Vite itself on a copy of a small project: a build whose output runs in
 * Node, its source map, a build stopped by `%` on a Value, and a dev server following edits.
 * The copy gets gradscript as node_modules/gradscript, a link to this repository (built by
 * `npm run build`), as a user's project would have it installed.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import * as vm from 'vm';
import { decode } from '@jridgewell/sourcemap-codec';

type Vite = typeof import('vite', { with: { 'resolution-mode': 'import' } });
type GradscriptVite = typeof import('../transformer/vite');

const fixture = path.join(__dirname, 'fixtures', 'vite');
/** The plugin as built into dist/ (as a user gets it). */
const pluginFile = path.join(__dirname, '..', 'dist', 'transformer', 'vite.js');
const projects: string[] = [];
let vite: Vite;
let gradscript: GradscriptVite['gradscript'];
/** The TypeScript the plugin runs on: Node's, not the copy jest loads for this file. */
let pluginTypeScript: typeof import('typescript');

jest.setTimeout(30_000);

beforeAll(async () => {
  // Vite and unplugin (which the plugin loads) are ES modules, which jest's own loader cannot
  // load without --experimental-vm-modules: Node's loader imports them, outside jest's sandbox,
  // with the plugin as built into dist/ (as a user gets it).
  const importModule = vm.runInThisContext('(url) => import(url)', {
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as <Module>(url: string) => Promise<Module>;
  vite = await importModule<Vite>(pathToFileURL(require.resolve('vite')).href);
  ({ gradscript } = await importModule<GradscriptVite>(pathToFileURL(pluginFile).href));
  const typescript = require.resolve('typescript');
  ({ default: pluginTypeScript } = await importModule<{ default: typeof pluginTypeScript }>(
    pathToFileURL(typescript).href,
  ));
});

afterAll(() => {
  for (const project of projects) fs.rmSync(project, { recursive: true, force: true });
});

function copyProject(): string {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-vite-'));
  projects.push(project);
  fs.cpSync(fixture, project, { recursive: true });
  fs.mkdirSync(path.join(project, 'node_modules'));
  fs.symlinkSync(path.join(__dirname, '..'), path.join(project, 'node_modules', 'gradscript'));
  return project;
}

/** A build for Node of `entry`, written to dist/ as ES modules with source maps; gradscript stays an import. */
function buildProject(project: string, entry: string, warnings: string[] = []) {
  return vite.build({
    configFile: false,
    root: project,
    logLevel: 'silent',
    plugins: [gradscript()],
    build: {
      ssr: entry,
      outDir: 'dist',
      sourcemap: true,
      rolldownOptions: {
        // A function: Vite's config cloning refuses a RegExp made in jest's realm.
        external: (id) => /^gradscript(\/|$)/.test(id),
        output: { entryFileNames: '[name].mjs' },
        onwarn: (warning) => void warnings.push(warning.message),
      },
    },
  });
}

/** Where `text` first occurs in `output`: its 0-based line and column. */
function lineAndColumn(output: string, text: string): { line: number; column: number } {
  const offset = output.indexOf(text);
  expect(offset).toBeGreaterThanOrEqual(0);
  const lineStart = output.lastIndexOf('\n', offset - 1) + 1;
  return { line: output.slice(0, offset).split('\n').length - 1, column: offset - lineStart };
}

describe('a build of a project with natural arithmetic on Values', () => {
  let dist: string;

  beforeAll(async () => {
    const project = copyProject();
    await buildProject(project, 'main.ts');
    dist = path.join(project, 'dist');
  });

  test('runs in Node with the data and gradients the arithmetic means', () => {
    const result = spawnSync(process.execPath, [path.join(dist, 'main.mjs')], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    // c = a*b + scale(a, 4) + b**2 at a = 2, b = -3; scale(3, 4) multiplies plain numbers.
    expect(JSON.parse(result.stdout)).toEqual({ c: 11, grads: [1, -4], numbers: 12, h: 3 });
  });

  test('maps the output back to the line the user wrote, in the text the user wrote', () => {
    const output = fs.readFileSync(path.join(dist, 'main.mjs'), 'utf8');
    const map: { sources: string[]; sourcesContent: string[]; mappings: string } = JSON.parse(
      fs.readFileSync(path.join(dist, 'main.mjs.map'), 'utf8'),
    );
    const { line, column } = lineAndColumn(output, '.pow(2)');
    const onLine = decode(map.mappings)[line];
    const segment = onLine.filter(([generated]) => generated <= column).at(-1)!;
    const source = segment[1]!;
    expect(map.sources[source]).toMatch(/(^|\/)main\.ts$/);
    const userText = fs.readFileSync(path.join(fixture, 'main.ts'), 'utf8');
    expect(map.sourcesContent[source]).toBe(userText);
    expect(userText.split('\n')[segment[2]!]).toBe('const c = a * b + scale(a, 4) + b ** 2;');
  });
});

test('`%` on a Value fails the build at its file, line and column; type errors only warn', async () => {
  const warnings: string[] = [];
  const error = await buildProject(copyProject(), 'broken.ts', warnings).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.message).toMatch(
    /gradscript: the operator '%' has no meaning on a Value \(.*broken\.ts:4:28\)/,
  );
  expect(warnings).toEqual([
    expect.stringMatching(
      /broken\.ts:5:14: TS2322: Type 'Value' is not assignable to type 'number'/,
    ),
  ]);
});

test('a build and the worker it bundles, each with an instance of the plugin, read and rewrite the project once', async () => {
  const project = copyProject();
  fs.writeFileSync(
    path.join(project, 'page.ts'),
    "new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });\n",
  );
  fs.writeFileSync(
    path.join(project, 'worker.ts'),
    [
      "import { Value } from 'gradscript';",
      "import { scale } from './scale';",
      'const a = new Value(2);',
      'postMessage((a * 3 + scale(a, 2)).data);',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(project, 'index.html'),
    '<script type="module" src="./page.ts"></script>\n',
  );
  // TypeScript reads each of the project's files once, for the page's build and the worker's both.
  const { sys } = pluginTypeScript;
  const readFile = sys.readFile;
  const read: string[] = [];
  sys.readFile = (file, encoding) => (read.push(file), readFile(file, encoding));
  try {
    await vite.build({
      configFile: false,
      root: project,
      logLevel: 'silent',
      plugins: [gradscript()],
      worker: { format: 'es', plugins: () => [gradscript()] },
      build: {
        outDir: 'dist',
        rolldownOptions: { external: (id) => /^gradscript(\/|$)/.test(id) },
      },
    });
  } finally {
    sys.readFile = readFile;
  }
  expect(read.filter((file) => file === path.join(project, 'worker.ts'))).toHaveLength(1);
  const assets = path.join(project, 'dist', 'assets');
  const worker = fs.readdirSync(assets).find((name) => name.startsWith('worker'))!;
  expect(fs.readFileSync(path.join(assets, worker), 'utf8')).toContain('.mul(3)');
});

/** Retries `check` until it passes: the dev server sees an edit only once its watcher has. */
async function eventually(check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

test('a dev server rewrites an edited file, and a file whose import the edit made a Value', async () => {
  const project = copyProject();
  const server = await vite.createServer({
    configFile: false,
    root: project,
    logLevel: 'silent',
    appType: 'custom',
    plugins: [gradscript()],
    server: { middlewareMode: true, ws: false },
  });
  const edit = (file: string, from: string, to: string) => {
    const fileName = path.join(project, file);
    fs.writeFileSync(fileName, fs.readFileSync(fileName, 'utf8').replace(from, to));
  };
  const transformedMain = async () =>
    (await server.environments.ssr.transformRequest('/main.ts'))!.code;
  try {
    expect(await transformedMain()).toContain('.pow(2)');

    edit('main.ts', 'b ** 2', 'b ** 3');
    await eventually(async () => expect(await transformedMain()).toContain('.pow(3)'));
    // `half(a) * 3` multiplies numbers until half returns a Value.
    expect(await transformedMain()).not.toContain('.mul(3)');

    edit('scale.ts', 'return x.data / 2;', 'return x / 2;');
    await eventually(async () => expect(await transformedMain()).toContain('.mul(3)'));
  } finally {
    await server.close();
  }
});
