import * as fs from 'fs';

/** The median of some measurements. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One measured figure: a row of the table `npm run bench` prints, and an entry of results.json. */
export interface Figure {
  /** A stable name, so that two results files can be compared: `moons.tape.ms`. */
  key: string;
  label: string;
  value: number;
  unit: 'ms' | 'ns' | 'MiB' | 'bytes' | 'loss' | 'steps/s';
  /** The figure over its workload's floor, both measured in the same process. */
  ratio?: number;
}

/**
 * Where a benchmark run by bench/index.ts leaves its figures: the parent sets this variable to
 * a file of its own for each child process, and reads the file back when the child is done.
 */
export const RESULTS_FILE_VARIABLE = 'GRADSCRIPT_BENCH_RESULTS';

/** Hands the figures to bench/index.ts, or prints them when the benchmark runs on its own. */
export function publish(figures: readonly Figure[]): void {
  const file = process.env[RESULTS_FILE_VARIABLE];
  if (file) fs.writeFileSync(file, JSON.stringify(figures));
  else console.log(table(figures));
}

/** The figures as an aligned text table, with the change from `earlier` figures of the same keys. */
export function table(figures: readonly Figure[], earlier?: ReadonlyMap<string, Figure>): string {
  const rows = figures.map((f) => {
    const before = earlier?.get(f.key);
    const row = [f.label, format(f.value, f.unit), f.ratio === undefined ? '' : ratio(f.ratio)];
    if (earlier) {
      row.push(
        before ? format(before.value, before.unit) : 'new',
        before ? change(before.value, f.value) : '',
        before?.ratio !== undefined && f.ratio !== undefined ? ratio(before.ratio) : '',
      );
    }
    return row;
  });
  const header = ['workload', 'figure', 'vs floor'];
  if (earlier) header.push('before', 'change', 'vs floor before');
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  return all
    .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))))
    .map((r) => `  ${r.join('  ')}`.trimEnd())
    .join('\n');
}

function format(value: number, unit: Figure['unit']): string {
  if (unit === 'loss') return value.toPrecision(15);
  if (unit === 'ms' && value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  const digits = unit === 'ms' && value < 100 ? 1 : 0;
  return `${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}

function ratio(x: number): string {
  return `${x < 10 ? x.toFixed(2) : x.toFixed(0)}x`;
}

function change(before: number, after: number): string {
  const percent = (after / before - 1) * 100;
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(0)}%`;
}
