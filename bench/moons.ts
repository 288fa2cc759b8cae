/** The moons workload four ways, side by side: medians and ratios from this one process. */
import { median } from './stats';
import { STEPS, eager, handWritten, initialWeights, port, tape } from './moons-workload';

export function moonsBenchmark(runs = 5): void {
  const weights = initialWeights();
  const implementations = {
    'hand-written Float64Array (floor)': handWritten,
    'gradscript Tape': tape,
    'gradscript eager': eager,
    'straightforward micrograd port': port,
  };
  const results = Object.entries(implementations).map(([name, run]) => {
    run(weights, 5); // warm up the JIT
    const times: number[] = [];
    let loss = 0;
    for (let i = 0; i < (name.includes('port') ? Math.min(runs, 3) : runs); i++) {
      const started = process.hrtime.bigint();
      loss = run(weights);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return { name, loss, ms: median(times) };
  });
  const floor = results[0];
  for (const r of results) {
    if (Math.abs(r.loss - floor.loss) > 1e-9 * Math.abs(floor.loss)) {
      throw new Error(
        `${r.name} ended at loss ${r.loss}, the floor at ${floor.loss}: they must agree to 1e-9`,
      );
    }
  }
  const byName = Object.fromEntries(results.map((r) => [r.name, r.ms]));
  console.log(
    `\nmicrograd's moons demo: MLP(2, [16, 16, 1]), 100 points, hinge + L2, ${STEPS} SGD steps (median of ${runs})`,
  );
  for (const r of results)
    console.log(
      `  ${r.name.padEnd(36)} ${r.ms.toFixed(1).padStart(8)} ms   final loss ${r.loss.toFixed(12)}`,
    );
  console.log(
    `  eager is ${(byName['straightforward micrograd port'] / byName['gradscript eager']).toFixed(1)}x faster than the port`,
  );
  console.log(
    `  Tape is ${(byName['gradscript Tape'] / floor.ms).toFixed(2)}x the hand-written floor, ${(byName['gradscript eager'] / byName['gradscript Tape']).toFixed(1)}x faster than eager`,
  );
}

if (require.main === module) moonsBenchmark();
