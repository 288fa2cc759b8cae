/**
 * `npm run bench`: every benchmark, each in a Node process of its own (so that one's heap, the
 * TypeScript compiler's say, does not slow another's garbage collection); the figures and
 * ratios each prints are measured within its own process.
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';

const BENCHMARKS = ['moons', 'chain', 'render', 'transformer', 'editor', 'startup'];

console.log(
  `gradscript benchmarks: Node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0].model}`,
);
for (const name of BENCHMARKS) {
  const result = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, `${name}.js`)], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(`the ${name} benchmark failed`);
    process.exitCode = 1;
  }
}
