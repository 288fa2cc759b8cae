/**
 * The VS Code extension's tsserver plugin (editors/vscode), loaded as VS Code loads an
 * extension's plugins (`--globalPlugins`, probed in the extension's folder), with no tsconfig
 * naming it: a project that installs gradscript gets gradscript's language service, one that
 * does not gets the plain one.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TsServer } from './tsserver';

const root = path.join(__dirname, '..');
const TEXT =
  "import { Value } from 'gradscript';\nconst a = new Value(2);\nconst d = a * a + 1;\nd.backward();\n";
let workspace: string;
let server: TsServer;

/** A project folder with main.ts, a tsconfig without plugins, and gradscript installed or not. */
function project(name: string, installed: boolean): string {
  const folder = path.join(workspace, name);
  fs.mkdirSync(path.join(folder, 'node_modules'), { recursive: true });
  fs.writeFileSync(
    path.join(folder, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'nodenext', strict: true } }),
  );
  fs.writeFileSync(path.join(folder, 'main.ts'), TEXT);
  // Without gradscript installed, its types still come from a copy of the declarations, so the
  // only difference the plain service sees is the operators.
  fs.symlinkSync(
    installed ? root : path.join(workspace, 'types-only'),
    path.join(folder, 'node_modules', 'gradscript'),
    'dir',
  );
  return path.join(folder, 'main.ts');
}

beforeAll(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-vscode-'));
  // The extension as installed: its folder, with its plugin package in node_modules.
  const extension = path.join(workspace, 'extension');
  fs.mkdirSync(path.join(extension, 'node_modules'), { recursive: true });
  fs.symlinkSync(
    path.join(root, 'editors', 'vscode', 'tsserver-plugin'),
    path.join(extension, 'node_modules', 'gradscript-tsserver-plugin'),
    'dir',
  );
  const typesOnly = path.join(workspace, 'types-only');
  fs.mkdirSync(typesOnly);
  fs.writeFileSync(
    path.join(typesOnly, 'package.json'),
    JSON.stringify({ name: 'gradscript', types: 'index.d.ts' }),
  );
  fs.writeFileSync(
    path.join(typesOnly, 'index.d.ts'),
    `export * from '${path.join(root, 'dist', 'src', 'index')}';\n`,
  );
  server = new TsServer(extension, undefined, ['--globalPlugins', 'gradscript-tsserver-plugin']);
}, 30_000);

afterAll(() => {
  server.close();
  fs.rmSync(workspace, { recursive: true, force: true });
});

async function diagnosticCodes(file: string): Promise<number[]> {
  server.notify('open', { file });
  const diagnostics = await server.request<{ code: number }[]>('semanticDiagnosticsSync', { file });
  return diagnostics.map((d) => d.code);
}

test('a project that installs gradscript gets its language service', async () => {
  expect(await diagnosticCodes(project('with-gradscript', true))).toEqual([]);
}, 60_000);

test('a project without gradscript keeps the plain language service', async () => {
  // Plain TypeScript's own error on `a * a`: the extension changed nothing here.
  expect(await diagnosticCodes(project('without-gradscript', false))).toContain(2362);
}, 60_000);
