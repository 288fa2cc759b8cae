/**
 * Karpathy's microgpt as a benchmark: microgpt.py's 1,000 training steps (and 20 samples) three
 * ways, each in a process of its own, timed by the training loop itself:
 * - gradscript eager: examples/microgpt.ts as a user runs it, `gradscript run` (best of 3);
 * - the plain TypeScript port of bench/microgpt-port.ts, the yardstick (best of 2: about 75 s
 *   a run);
 * - CPython running microgpt.py itself, through test/reference/microgpt-reference.py (once: it
 *   takes about five minutes), when python3 is on the PATH.
 * All three must print the same losses (within 1e-12) and the same samples. The ratios are each
 * one's time a step over gradscript's. Then, in this process, the example's own graphs for the
 * first GRAPHS names: how many nodes a step makes and how many bytes of heap each keeps, for ns
 * and bytes per node.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { type Figure, publish } from './stats';

/**
 * All of microgpt.py's steps: the first ones run before the JIT has compiled the hot code, and
 * a shorter run would weigh them more than a user's run does.
 */
const STEPS = 1000;
/** How many names' graphs are measured for nodes and bytes a step. */
const GRAPHS = 100;
const root = path.join(__dirname, '..', '..');
const names = path.join(root, 'examples', 'data', 'names.txt');

interface Run {
  losses: number[];
  samples: string[];
  msPerStep: number;
}

function run(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr || result.error}`);
  }
  return result.stdout;
}

/** What examples/microgpt.ts and the port print: a line a step, the samples, the time. */
function parse(stdout: string): Run {
  const time = /^training time: \S+ s, (\S+) ms a step$/m.exec(stdout);
  if (!time) throw new Error(`no training time in:\n${stdout.slice(-500)}`);
  return {
    losses: [...stdout.matchAll(/^step +\d+ \/ +\d+ \| loss (\S+)$/gm)].map((m) => Number(m[1])),
    samples: [...stdout.matchAll(/^sample +\d+: (.*)$/gm)].map((m) => m[1]),
    msPerStep: Number(time[1]),
  };
}

/** The fastest of some runs (the time a run takes when the machine's other work leaves it be). */
function best(rounds: number, runOnce: () => Run): Run {
  const runs = Array.from({ length: rounds }, runOnce);
  return runs.reduce((a, b) => (b.msPerStep < a.msPerStep ? b : a));
}

const gradscript = (): Run =>
  parse(
    run(process.execPath, [
      path.join(root, 'dist', 'src', 'cli', 'main.js'),
      'run',
      path.join('examples', 'microgpt.ts'),
      '--steps',
      String(STEPS),
    ]),
  );

const port = (): Run =>
  parse(
    run(process.execPath, [path.join(__dirname, 'microgpt-port.js'), '--steps', String(STEPS)]),
  );

function cpython(): Run | undefined {
  if (spawnSync('python3', ['--version']).status !== 0) {
    console.log("microgpt: python3 not found, so CPython's microgpt.py is left out");
    return undefined;
  }
  const script = path.join(root, 'test', 'reference', 'microgpt-reference.py');
  const out = JSON.parse(run('python3', [script, '--steps', String(STEPS)])) as {
    losses: number[];
    samples: string[];
    training_seconds: number;
  };
  return {
    losses: out.losses,
    samples: out.samples,
    msPerStep: (out.training_seconds * 1000) / STEPS,
  };
}

/** Fails unless `run` printed `reference`'s losses (within 1e-12 relative) and samples. */
function checkAgrees(name: string, run: Run, reference: Run): void {
  if (run.losses.length !== STEPS) throw new Error(`${name}: ${run.losses.length} losses`);
  run.losses.forEach((loss, i) => {
    const relative = Math.abs(loss - reference.losses[i]) / Math.abs(reference.losses[i]);
    if (!(relative <= 1e-12)) {
      throw new Error(`${name}: step ${i + 1}'s loss ${loss}, gradscript's ${reference.losses[i]}`);
    }
  });
  if (run.samples.join() !== reference.samples.join()) {
    throw new Error(
      `${name} sampled ${run.samples.join()}, gradscript ${reference.samples.join()}`,
    );
  }
}

/**
 * The example's graphs, made in this process: how many nodes a step makes, on average over the
 * STEPS names the runs train on, and the memory a node keeps, on average over the first GRAPHS
 * (measured between full collections, so only what the graph holds is counted: the heap, and
 * the typed arrays outside it where a node's numbers live).
 */
function graphs(): { nodesPerStep: number; bytesPerNode: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc, as npm run bench does');
  // The example reads its options from the command line when it is loaded: give it the data.
  process.argv.splice(2, Infinity, '--data', names);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const example = require('../examples/microgpt') as typeof import('../examples/microgpt');
  const doc = (step: number): string => example.docs[step % example.docs.length];
  const held = (): number => {
    const memory = process.memoryUsage();
    return memory.heapUsed + memory.arrayBuffers;
  };
  // A function of its own, so that each step's graph is garbage once measured (measured in the
  // loop's body instead, the heap a node came out at 5 bytes: the last graph was still held).
  const measure = (step: number): { nodes: number; bytes: number } => {
    gc();
    const before = held();
    const loss = example.documentLoss(doc(step));
    gc();
    const bytes = held() - before;
    return { nodes: loss.topologicalOrder().length, bytes };
  };
  let [measuredNodes, bytes] = [0, 0];
  for (let step = 0; step < GRAPHS; step++) {
    const graph = measure(step);
    measuredNodes += graph.nodes;
    bytes += graph.bytes;
  }
  let nodes = 0;
  for (let step = 0; step < STEPS; step++) {
    nodes += example.documentLoss(doc(step)).topologicalOrder().length;
  }
  return { nodesPerStep: nodes / STEPS, bytesPerNode: bytes / measuredNodes };
}

export function microgptBenchmark(): Figure[] {
  const ours = best(3, gradscript);
  const plain = best(2, port);
  checkAgrees('the plain TypeScript port', plain, ours);
  const python = cpython();
  if (python) checkAgrees("CPython's microgpt.py", python, ours);
  const { nodesPerStep, bytesPerNode } = graphs();
  const nsPerNode = (ours.msPerStep * 1e6) / nodesPerStep;
  console.log(
    `microgpt: gradscript eager makes ${Math.round(nodesPerStep).toLocaleString('en-US')} nodes a step ` +
      `(on average over the ${STEPS} names): ${nsPerNode.toFixed(0)} ns and ` +
      `${bytesPerNode.toFixed(0)} bytes a node (the first ${GRAPHS} names' graphs)`,
  );
  const where = `microgpt, ${STEPS} steps, time a step:`;
  const figure = (key: string, label: string, r: Run): Figure => ({
    key: `microgpt.${key}.ms`,
    label: `${where} ${label}`,
    value: r.msPerStep,
    unit: 'ms',
    ratio: r.msPerStep / ours.msPerStep,
  });
  return [
    figure('eager', 'gradscript eager (examples/microgpt.ts; the floor here)', ours),
    figure('port', 'plain TypeScript port (an object and 2 arrays a node)', plain),
    ...(python ? [figure('cpython', "CPython 3, Karpathy's microgpt.py", python)] : []),
    {
      key: 'microgpt.eager.ns-per-node',
      label: `microgpt: time a node, gradscript eager (${Math.round(nodesPerStep)} nodes a step)`,
      value: nsPerNode,
      unit: 'ns',
    },
    {
      key: 'microgpt.eager.bytes-per-node',
      label: `microgpt: memory a node keeps, heap and typed arrays, gradscript eager`,
      value: bytesPerNode,
      unit: 'bytes',
    },
    {
      key: 'microgpt.loss',
      label: `microgpt: loss at step ${STEPS}, the same (within 1e-12) in all`,
      value: ours.losses[STEPS - 1],
      unit: 'loss',
    },
  ];
}

if (require.main === module) publish(microgptBenchmark());
