/**
 * The moons workload five ways in one process: each timed in interleaved rounds, so that a slow
 * moment of a shared machine falls on all of them alike. Each figure is the fastest round: on a
 * machine others use too, the time a run takes when nothing interrupts it is the one figure
 * that comes back from run to run (a median moves with the neighbours' load).
 */
import { type Figure, publish } from './stats';
import {
  STEPS,
  type Workload,
  eagerNatural,
  eagerSummed,
  handWritten,
  initialWeights,
  port,
  tape,
} from './moons-workload';

interface Implementation {
  key: string;
  label: string;
  run: Workload;
  /** The slow port gets fewer rounds. */
  rounds: number;
}

const ROUNDS = 15;
const IMPLEMENTATIONS: Implementation[] = [
  { key: 'floor', label: 'hand-written Float64Array (floor)', run: handWritten, rounds: ROUNDS },
  { key: 'tape', label: 'gradscript Tape', run: tape, rounds: ROUNDS },
  {
    key: 'eager-natural',
    label: 'gradscript eager, loss = loss + term',
    run: eagerNatural,
    rounds: ROUNDS,
  },
  { key: 'eager-sum', label: 'gradscript eager, Value.sum', run: eagerSummed, rounds: ROUNDS },
  { key: 'port', label: 'micrograd port (closure per op; of 3)', run: port, rounds: 3 },
];

export function moonsBenchmark(): Figure[] {
  const weights = initialWeights();
  const times = IMPLEMENTATIONS.map(() => [] as number[]);
  const losses = IMPLEMENTATIONS.map((impl) => impl.run(weights, 5)); // warm up the JIT
  for (let round = 0; round < ROUNDS; round++) {
    IMPLEMENTATIONS.forEach((impl, i) => {
      if (round >= impl.rounds) return;
      // No forced gc() between runs: a full collection shrinks the young generation, and the
      // next run that allocates (eager, or the Tape's one recorded graph) pays to grow it again,
      // 40 ms here, which no training process pays at every run. Interleaving spreads the
      // garbage of one run over the others alike.
      const started = process.hrtime.bigint();
      losses[i] = impl.run(weights);
      times[i].push(Number(process.hrtime.bigint() - started) / 1e6);
    });
  }
  IMPLEMENTATIONS.forEach((impl, i) => {
    if (!Object.is(losses[i], losses[0])) {
      throw new Error(
        `${impl.label} ended at loss ${losses[i]}, the floor at ${losses[0]}: they must agree bit for bit`,
      );
    }
  });
  const best = times.map((t) => Math.min(...t));
  const where = `moons, ${STEPS} SGD steps, best of ${ROUNDS}:`;
  return [
    ...IMPLEMENTATIONS.map((impl, i) => ({
      key: `moons.${impl.key}.ms`,
      label: `${where} ${impl.label}`,
      value: best[i],
      unit: 'ms' as const,
      ratio: best[i] / best[0],
    })),
    {
      key: 'moons.loss',
      label: `${where} final loss, the same bit for bit in all five`,
      value: losses[0],
      unit: 'loss',
    },
  ];
}

if (require.main === module) publish(moonsBenchmark());
