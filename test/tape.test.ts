import * as fc from 'fast-check';
import { MLP, Tape, Value, hinge, l2, moons } from '../src';
import { build, graphs } from './random-graphs';

/** Builds a graph on fresh leaves, backpropagates, and returns the output and leaf gradients. */
function eager(
  graph: { inputs: number[]; steps: Parameters<typeof build>[0]['steps'] },
  inputs: number[],
) {
  const leaves = inputs.map((x) => new Value(x));
  const nodes = build({ inputs, steps: graph.steps }, leaves);
  nodes[nodes.length - 1].backward();
  return { value: nodes[nodes.length - 1].data, grads: leaves.map((l) => l.grad) };
}

test('tape and eager agree, bit for bit, on 500 random graphs, before and after the leaves change', () => {
  fc.assert(
    fc.property(
      graphs,
      fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 4, maxLength: 4 }),
      (graph, nudges) => {
        const leaves = graph.inputs.map((x) => new Value(x));
        const nodes = build(graph, leaves);
        const tape = Tape.record(nodes[nodes.length - 1]);
        expect(tape.forward()).toBe(eager(graph, graph.inputs).value);
        tape.backward();
        expect(leaves.map((l) => l.grad)).toEqual(eager(graph, graph.inputs).grads);
        // New data through the same shape.
        const moved = graph.inputs.map((x, i) => x + nudges[i]);
        leaves.forEach((l, i) => {
          l.data = moved[i];
          l.grad = 0;
        });
        const expected = eager(graph, moved);
        expect(tape.forward()).toBe(expected.value);
        tape.backward();
        expect(leaves.map((l) => l.grad)).toEqual(expected.grads);
      },
    ),
    { seed: 77, numRuns: 500 },
  );
});

test('relu follows the data across zero on replay', () => {
  const x = new Value(1);
  const y = (x * 3 - 1).relu() * 2;
  const tape = Tape.record(y);
  x.data = -1;
  expect(tape.forward()).toBe(0);
  tape.backward();
  expect(x.grad).toBe(0);
  x.data = 2;
  expect(tape.forward()).toBe(10);
  tape.backward();
  expect(x.grad).toBe(6);
});

test('backward accumulates into leaves as Value.backward does', () => {
  const a = new Value(2);
  const out = a * a + a;
  const tape = Tape.record(out);
  tape.forward();
  tape.backward();
  tape.backward();
  expect(a.grad).toBe(10);
});

test('a training loop on a recorded tape matches the eager loop step for step', () => {
  const data = moons(30, { seed: 3 });
  const labels = data.y.map((c) => 2 * c - 1);
  const loss = (model: MLP) =>
    hinge(
      data.x.map((x) => model.forward(x)[0]),
      labels,
    ) +
    1e-4 * l2(model.parameters());
  const eagerModel = new MLP(2, [8, 8, 1], { seed: 5 });
  const tapeModel = new MLP(2, [8, 8, 1], { seed: 5 });
  const tape = Tape.record(loss(tapeModel));
  for (let step = 0; step < 20; step++) {
    const eagerLoss = loss(eagerModel);
    eagerModel.zeroGrad();
    eagerLoss.backward();
    const tapeLoss = tape.forward();
    tapeModel.zeroGrad();
    tape.backward();
    expect(tapeLoss).toBe(eagerLoss.data);
    expect(tapeModel.parameters().map((p) => p.grad)).toEqual(
      eagerModel.parameters().map((p) => p.grad),
    );
    for (const model of [eagerModel, tapeModel])
      for (const p of model.parameters()) p.data -= 0.5 * p.grad;
  }
});

test('an operation the tape does not know is an error when recording', () => {
  class Custom extends Value {}
  const odd = new Custom(1, '', [new Value(2)], 'softplus');
  expect(() => Tape.record(odd)).toThrow("Tape cannot record the operation 'softplus'");
});
