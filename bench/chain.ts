/**
 * Deep chains: backward over 1e5, 1e6 and 1e7 nodes (time and peak memory), and the heap cost
 * of a Value node. Each size runs in a child process of its own, so its peak memory is its own.
 */
import { spawnSync } from 'child_process';
import { Value } from '../src';

function chain(n: number): { buildMs: number; backwardMs: number; grad: number } {
  const x = new Value(0.5);
  let started = process.hrtime.bigint();
  let y = x;
  for (let i = 0; i < n; i++) y = y.add(1);
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
  started = process.hrtime.bigint();
  y.backward();
  return { buildMs, backwardMs: Number(process.hrtime.bigint() - started) / 1e6, grad: x.grad };
}

/** Heap growth per node over a million nodes kept alive (one add and its constant leaf each). */
function bytesPerNode(): number {
  const gc = (global as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc to measure memory');
  gc();
  const before = process.memoryUsage().heapUsed;
  const x = new Value(0);
  let y = x;
  for (let i = 0; i < 500_000; i++) y = y.add(1);
  gc();
  const after = process.memoryUsage().heapUsed;
  if (y.data !== 500_000) throw new Error('the chain went wrong');
  return (after - before) / 1_000_000; // each step makes two Values: the sum and the constant
}

export function chainBenchmark(): void {
  console.log(
    '\nDeep chain y = x + 1 + 1 + … (each step also makes a constant leaf): build and backward',
  );
  for (const n of [1e5, 1e6, 1e7]) {
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=8192', __filename, 'chain', String(n)],
      {
        encoding: 'utf8',
      },
    );
    if (child.status !== 0) throw new Error(`chain of ${n} failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout);
    console.log(
      `  ${n.toExponential(0).padEnd(5)} steps  build ${r.buildMs.toFixed(0).padStart(6)} ms  backward ${r.backwardMs.toFixed(0).padStart(6)} ms  peak RSS ${(r.rss / 2 ** 20).toFixed(0)} MiB  dx ${r.grad}`,
    );
  }
  console.log(
    `  heap per Value node: ${bytesPerNode().toFixed(0)} bytes (node --expose-gc, a million nodes kept alive)`,
  );
}

if (require.main === module && process.argv[2] === 'chain') {
  const result = chain(Number(process.argv[3]));
  console.log(JSON.stringify({ ...result, rss: process.resourceUsage().maxRSS * 1024 }));
} else if (require.main === module) {
  chainBenchmark();
}
