/**
 * `npm run bench`: every benchmark, each printing figures measured in this one process.
 * Run with --expose-gc (the npm script does) so memory figures start from a collected heap.
 */
import * as os from 'os';
import { chainBenchmark } from './chain';
import { editorBenchmark } from './editor';
import { moonsBenchmark } from './moons';
import { renderBenchmark } from './render';
import { transformerBenchmark } from './transformer';

async function main(): Promise<void> {
  console.log(
    `gradscript benchmarks: Node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0].model}`,
  );
  moonsBenchmark();
  chainBenchmark();
  await renderBenchmark();
  transformerBenchmark();
  editorBenchmark();
}

void main();
