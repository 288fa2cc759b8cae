/**
 * Data at scale (issue 18): a CSV of 1,000,000 rows of 2 features, read as a stream into typed
 * columns, then one epoch of MLP(2, [16, 16, 1]) at batch size 32 (31,250 steps on a tape), and
 * the charts, graph and model written: the whole of `gradscript train --csv FILE --epochs 1`,
 * through the same training job. Reports the time of each part, the peak RSS of the process
 * (the goal: under 1 GB) and the size of the largest chart (the goal: under 1 MB).
 *
 *   npx tspc -p tsconfig.bench.json && node dist/bench/large-data.js [rows]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTrainingJob } from '../src';
import { writeCurveCsv } from '../test/curve-csv';
import { type Figure, publish } from './stats';

const MIB = 1024 * 1024;

export async function largeDataBenchmark(rows = 1_000_000): Promise<Figure[]> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-large-'));
  try {
    const csv = path.join(scratch, 'data.csv');
    writeCurveCsv(csv, rows);
    const size = fs.statSync(csv).size;
    const out = path.join(scratch, 'out');
    const started = performance.now();
    let ready = started;
    let steps = 0;
    const result = await runTrainingJob({
      data: { csv },
      epochs: 1,
      batchSize: 32,
      hidden: [16, 16],
      out,
      onReady: (job) => {
        ready = performance.now();
        steps = job.steps;
      },
    });
    const ended = performance.now();
    const train = result.seconds * 1000;
    const peak = process.resourceUsage().maxRSS / 1024; // KiB to MiB
    const charts = ['loss.svg', 'boundary.svg', 'graph.svg'].map((name) => ({
      name,
      bytes: fs.statSync(path.join(out, name)).size,
    }));
    const largest = charts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const n = rows.toLocaleString('en-US');
    console.error(
      `large data: ${n} rows (${(size / MIB).toFixed(1)} MiB of CSV), ${steps} steps, ` +
        `accuracy ${(100 * (result.accuracy ?? NaN)).toFixed(1)}%, ` +
        charts.map((c) => `${c.name} ${(c.bytes / 1024).toFixed(0)} KiB`).join(', '),
    );
    if (peak > 1024)
      console.error(`large data: peak RSS ${peak.toFixed(0)} MiB is over the 1 GiB goal`);
    if (largest.bytes > 1e6) console.error(`large data: ${largest.name} is over the 1 MB goal`);
    return [
      {
        key: 'large.load.ms',
        label: `${n} CSV rows of 2 features, read as a stream into typed columns`,
        value: ready - started,
        unit: 'ms',
      },
      {
        key: 'large.epoch.ms',
        label: `one epoch of MLP(2, [16, 16, 1]) at batch size 32 on them (${steps} steps)`,
        value: train,
        unit: 'ms',
      },
      {
        key: 'large.artifacts.ms',
        label: 'accuracy over all rows, then charts, graph and model written',
        value: ended - ready - train,
        unit: 'ms',
      },
      {
        key: 'large.rss.MiB',
        label: `peak RSS of all the above (goal: under 1 GiB)`,
        value: peak,
        unit: 'MiB',
      },
      {
        key: 'large.chart.bytes',
        label: `largest chart, ${largest.name} (goal: under 1 MB)`,
        value: largest.bytes,
        unit: 'bytes',
      },
    ];
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const rows = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  void largeDataBenchmark(rows).then(publish);
}
