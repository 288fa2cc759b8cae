/**
 * Deep chains: build and backward over 1e5, 1e6 and 1e7 additions (time and peak memory), each
 * in a child process of its own with Node's default heap, so its peak memory is its own; and
 * the heap cost of a Value.
 */
import { spawnSync } from 'child_process';
import { Value } from '../src';
import { type Figure, publish } from './stats';

const DEPTHS = [1e5, 1e6, 1e7];
const BIG_HEAP = '--max-old-space-size=8192';

function chain(n: number): { buildMs: number; backwardMs: number } {
  const x = new Value(0.5);
  let started = process.hrtime.bigint();
  let y = x;
  for (let i = 0; i < n; i++) y = y.add(1);
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
  started = process.hrtime.bigint();
  y.backward();
  const backwardMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (x.grad !== 1 || y.data !== n + 0.5) throw new Error('the chain went wrong');
  return { buildMs, backwardMs };
}

/**
 * Heap growth per Value over half a million Values kept alive (a chain y = y + c), after a
 * collection on either side. V8 stores a number field inline while every value it has held is
 * a small integer, and boxes it in a heap number of its own once it has held a fraction; so the
 * chain is measured twice: with integer data, then with fractional data and gradients.
 */
function bytesPerValue(start: number, step: number): number {
  const gc = (global as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc to measure memory');
  const length = 500_000;
  gc();
  const before = process.memoryUsage().heapUsed;
  const x = new Value(start);
  let y = x;
  for (let i = 0; i < length; i++) y = y.add(step);
  gc();
  const after = process.memoryUsage().heapUsed;
  if (y.data !== start + length * step) throw new Error('the chain went wrong');
  // Values made, including any leaf an implementation makes for the constant.
  const values = y.topologicalOrder().length;
  return (after - before) / values;
}

export function chainBenchmark(): Figure[] {
  const figures: Figure[] = [];
  for (const n of DEPTHS) {
    const run = (heap: string[]) =>
      spawnSync(process.execPath, [...heap, __filename, 'chain', String(n)], { encoding: 'utf8' });
    // An engine that cannot fit the chain in the default heap is still measured, and says so.
    let child = run([]);
    let heap = 'default heap';
    if (child.status !== 0) {
      child = run([BIG_HEAP]);
      heap = BIG_HEAP;
    }
    if (child.status !== 0) throw new Error(`the chain of ${n} failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout);
    const depth = n.toExponential(0).replace('+', '');
    const label = `chain y = y + 1, ${depth} steps:`;
    figures.push(
      { key: `chain.${depth}.build.ms`, label: `${label} build`, value: r.buildMs, unit: 'ms' },
      {
        key: `chain.${depth}.backward.ms`,
        label: `${label} backward`,
        value: r.backwardMs,
        unit: 'ms',
      },
      {
        key: `chain.${depth}.rss.mib`,
        label: `${label} peak RSS (${heap})`,
        value: r.rss / 2 ** 20,
        unit: 'MiB',
      },
    );
  }
  const integer = bytesPerValue(0, 1);
  // Fractional data, and a backward that leaves fractional gradients, before measuring again.
  const warm = new Value(0.5);
  warm.mul(0.25).backward();
  const fractional = bytesPerValue(0.5, 0.25);
  figures.push(
    {
      key: 'value.bytes.integer',
      label: 'heap per Value, integer data',
      value: integer,
      unit: 'bytes',
    },
    {
      key: 'value.bytes.fractional',
      label: 'heap per Value, fractional data and gradients',
      value: fractional,
      unit: 'bytes',
    },
  );
  return figures;
}

if (require.main === module && process.argv[2] === 'chain') {
  const result = chain(Number(process.argv[3]));
  console.log(JSON.stringify({ ...result, rss: process.resourceUsage().maxRSS * 1024 }));
} else if (require.main === module) {
  publish(chainBenchmark());
}
