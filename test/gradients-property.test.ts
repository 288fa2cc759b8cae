/**
 * Property-based gradient checks: on thousands of random expression DAGs, gradients from
 * backward() against forward-mode dual numbers and against central finite differences.
 */
import * as fc from 'fast-check';
import { Value } from '../src';
import { build, forward, graphs } from './random-graphs';

const SEED = 424242;
const CASES = 2000;

function close(actual: number, expected: number, rel: number, abs: number): boolean {
  return Math.abs(actual - expected) <= Math.max(abs, rel * Math.abs(expected));
}

test(`backward agrees with forward-mode dual numbers on ${CASES} random graphs`, () => {
  fc.assert(
    fc.property(graphs, (graph) => {
      const leaves = graph.inputs.map((x) => new Value(x));
      const nodes = build(graph, leaves);
      const out = nodes[nodes.length - 1];
      out.backward();
      const value = forward(graph, graph.inputs).out.v;
      if (!close(out.data, value, 1e-12, 1e-15))
        throw new Error(`value ${out.data}, dual numbers ${value}`);
      leaves.forEach((leaf, i) => {
        const expected = forward(graph, graph.inputs, i).out.d;
        if (!close(leaf.grad, expected, 1e-9, 1e-12)) {
          throw new Error(`input ${i}: backward ${leaf.grad}, dual numbers ${expected}`);
        }
      });
    }),
    { seed: SEED, numRuns: CASES },
  );
});

test(`backward agrees with central finite differences on ${CASES} random graphs`, () => {
  const h = 1e-6;
  fc.assert(
    fc.property(graphs, (graph) => {
      const leaves = graph.inputs.map((x) => new Value(x));
      const nodes = build(graph, leaves);
      nodes[nodes.length - 1].backward();
      leaves.forEach((leaf, i) => {
        const shifted = (delta: number) =>
          forward(
            graph,
            graph.inputs.map((x, j) => (j === i ? x + delta : x)),
          ).out.v;
        const numeric = (shifted(h) - shifted(-h)) / (2 * h);
        if (!close(leaf.grad, numeric, 1e-4, 1e-5)) {
          throw new Error(`input ${i}: backward ${leaf.grad}, finite differences ${numeric}`);
        }
      });
    }),
    { seed: SEED + 1, numRuns: CASES },
  );
});
