/**
 * A child process run to its end without blocking the test file: the suites that install the
 * packed package (consumer.test.ts, templates.test.ts) run several commands at once, each mostly
 * waiting on the disk or on the other core, where spawnSync would run them one after another.
 */
import { spawn } from 'child_process';

export interface Finished {
  /** The exit status, or null when a signal ended the process. */
  status: number | null;
  /** What it wrote to standard output, then what it wrote to standard error. */
  output: string;
}

export function spawnAndWait(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output: stdout + stderr }));
  });
}
