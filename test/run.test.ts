import { spawnSync } from 'child_process';
import * as path from 'path';

const cli = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
const fixtures = path.join(__dirname, 'fixtures', 'run');

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, 'run', ...args], {
    cwd: fixtures,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('gradscript run', () => {
  test('type-checks, rewrites and runs a script with its arguments', () => {
    const { status, stdout, stderr } = run('ok.ts', '3', '--flag');
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe('y=14 dy/dx=8 args=3,--flag');
    expect(status).toBe(0);
  });

  test('runs the files a script imports, rewritten too', () => {
    const { status, stdout } = run('imports.ts');
    expect(stdout.trim()).toBe('Value(data=8, grad=0)');
    expect(status).toBe(0);
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
