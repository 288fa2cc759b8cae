/**
 * What grad costs against backward(), on micrograd's moons loss (MLP 2-16-16-1 with ReLU, 100
 * points, hinge loss plus 1e-4·Σp², as examples/moons.ts): the time of backward(), of grad
 * without and with createGraph, and of a Hessian-vector product, each the median of many runs
 * on one graph; and the nodes and heap of the loss's graph and of its gradient's graph.
 *
 *   node --expose-gc dist/src/cli/main.js run bench/grad-cost.ts
 */
import { performance } from 'perf_hooks';
import { MLP, PythonRandom, Value, grad, hvp, moons } from '../src';

const { x, y } = moons(100, { noise: 0.1, seed: 1337 });
const labels = y.map((c) => 2 * c - 1);
const model = new MLP(2, [16, 16, 1], { random: new PythonRandom(1337) });
const parameters = model.parameters();

function loss(): Value {
  const margins = x.map((point, i) => (1 + -labels[i] * model.forward(point)[0]).relu());
  const regularization = 1e-4 * Value.sum(parameters.map((p) => p * p));
  return Value.sum(margins) / margins.length + regularization;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

/** Milliseconds, the median of `runs` calls after a few to warm up. */
function median(runs: number, f: () => void): number {
  for (let i = 0; i < 5; i++) f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    f();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[runs >> 1];
}

/**
 * The heap, in bytes, that one structure made by `make` keeps alive: the mean over several kept
 * at once, after a first one made to warm up (its compiled code is heap too). And one of them.
 */
function heapOf<T>(make: () => T): { bytes: number; kept: T } {
  make();
  gc!();
  const before = process.memoryUsage().heapUsed;
  const kept = Array.from({ length: 10 }, make);
  gc!();
  return { bytes: (process.memoryUsage().heapUsed - before) / kept.length, kept: kept[0] };
}

const L = heapOf(loss);
const lossNodes = L.kept.topologicalOrder();
const inLoss = new Set(lossNodes);
const G = heapOf(() => grad(L.kept, parameters, { createGraph: true }));
const gradientNodes = Value.sum(G.kept)
  .topologicalOrder()
  .filter((node) => !inLoss.has(node)).length;

const runs = 41;
const times = {
  forward: median(runs, loss),
  backward: median(runs, () => L.kept.backward()),
  numbers: median(runs, () => grad(L.kept, parameters)),
  graph: median(runs, () => grad(L.kept, parameters, { createGraph: true })),
  hvp: median(runs, () =>
    hvp(
      L.kept,
      parameters,
      parameters.map(() => 1),
    ),
  ),
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
console.log(
  `moons loss: ${lossNodes.length} nodes, ${kb(L.bytes)} of heap; ${parameters.length} parameters`,
);
console.log(
  `its gradient with createGraph: ${gradientNodes} new nodes, ${kb(G.bytes)} of heap (${(G.bytes / L.bytes).toFixed(2)}x the loss's graph)`,
);
console.log(`median of ${runs} runs, in ms:`);
console.log(`  building the loss (forward)      ${times.forward.toFixed(2)}`);
console.log(`  backward()                       ${times.backward.toFixed(2)}`);
console.log(
  `  grad                             ${times.numbers.toFixed(2)}  (${(times.numbers / times.backward).toFixed(1)}x backward)`,
);
console.log(
  `  grad with createGraph            ${times.graph.toFixed(2)}  (${(times.graph / times.backward).toFixed(1)}x backward)`,
);
console.log(
  `  hvp (grad with createGraph, then grad of the product)  ${times.hvp.toFixed(2)}  (${(times.hvp / times.backward).toFixed(1)}x backward)`,
);
