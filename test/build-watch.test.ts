/**
 * `gradscript build --watch` closes every build as `tsc --watch` does, with the number of errors
 * and "Watching for file changes.", after the first build and after each rebuild; and the
 * commands start from V8's code for TypeScript, kept by the first.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');

test('each build and rebuild ends with its error count and “Watching for file changes.”, and the next command starts from the V8 code for TypeScript that the first kept', async () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-watch-'));
  fs.mkdirSync(path.join(project, 'node_modules'));
  fs.symlinkSync(root, path.join(project, 'node_modules', 'gradscript'), 'dir');
  fs.writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'node16', strict: true, outDir: 'out' } }),
  );
  const main = path.join(project, 'main.ts');
  fs.writeFileSync(
    main,
    "import { Value } from 'gradscript';\nexport const y = new Value(2) * 3;\n",
  );
  const debug = { ...process.env, GRADSCRIPT_CACHE_DEBUG: '1' };
  const watcher = spawn(process.execPath, [cli, 'build', '--watch', '--no-pretty'], {
    cwd: project,
    env: debug,
  });
  let output = '';
  let errors = '';
  watcher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  watcher.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const waitFor = async (pattern: RegExp) => {
    for (let waited = 0; !pattern.test(output); waited += 100) {
      if (waited > 60_000) throw new Error(`no ${pattern} in:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  try {
    await waitFor(/ - Found 0 errors\. Watching for file changes\.\n/);
    expect(fs.existsSync(path.join(project, 'out', 'main.js'))).toBe(true);
    fs.writeFileSync(
      main,
      "import { Value } from 'gradscript';\nexport const y = new Value(2) % 3;\n",
    );
    await waitFor(/ - Found 1 error\. Watching for file changes\.\n/);
    expect(output).toContain(
      "main.ts(2,31): error TS99001: gradscript: the operator '%' has no meaning on a Value",
    );
    // The first build kept V8's code for TypeScript; the next command takes it (or it would be
    // written again).
    const code = path.join(project, 'node_modules', '.cache', 'gradscript-v8');
    expect(errors).toMatch(
      new RegExp(
        `^gradscript cache: wrote V8's code for TypeScript \\(${code}/typescript-[0-9a-f]{16}\\.bin\\)\\n$`,
      ),
    );
    const check = spawnSync(process.execPath, [cli, 'check', '--no-pretty'], {
      cwd: project,
      encoding: 'utf8',
      env: debug,
    });
    expect(check.stdout).toContain('error TS99001');
    expect(check.stderr).toBe('');
  } finally {
    watcher.kill();
    fs.rmSync(project, { recursive: true, force: true });
  }
}, 90_000);
