import * as fc from 'fast-check';
import { MLP, Tape, Value, hinge, l2, moons } from '../src';
import { OpCode } from '../src/engine';
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

/**
 * Graphs shaped as the Tape fuses them: neurons as Value.sum of a bias and products (some with
 * number inputs), relus, and a loss accumulated with `loss = loss + term` from 0. Every leaf
 * takes a value from `inputs`; the network's inputs are the numbers `x`, constants of the graph;
 * `shape` picks layer sizes and which accumulation each layer uses.
 */
function fusedGraph(inputs: number[], x: number[], shape: { sizes: number[]; natural: boolean[] }) {
  let at = 0;
  const next = () => inputs[at++ % inputs.length];
  const leaves: Value[] = [];
  const leaf = () => {
    const v = new Value(next());
    leaves.push(v);
    return v;
  };
  let activations: (Value | number)[] = x; // number inputs: constants folded into the products
  shape.sizes.forEach((size, l) => {
    activations = Array.from({ length: size }, () => {
      const bias = leaf();
      const products = activations.map((x) => leaf().mul(x));
      if (shape.natural[l]) {
        let z: Value = bias;
        for (const p of products) z = z.add(p); // a chain of additions, as a script writes it
        return z.relu();
      }
      return Value.sum([bias, ...products]).relu();
    });
  });
  let loss: Value | number = 0;
  for (const a of activations as Value[]) loss = a.rsub(1).relu().add(loss).mul(0.5);
  for (const p of leaves) loss = (loss as Value).add(p.mul(p).mul(1e-3));
  return { leaves, output: loss as Value };
}

const fusedShapes = fc.record({
  sizes: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
  natural: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
});

test('fused dot products and addition chains replay bit for bit as eager, and read() answers for every node', () => {
  fc.assert(
    fc.property(
      fusedShapes,
      fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 5, maxLength: 40 }),
      fc.double({ min: -0.5, max: 0.5, noNaN: true }),
      (shape, inputs, nudge) => {
        const x = inputs.slice(0, 2);
        const recorded = fusedGraph(inputs, x, shape);
        const tape = Tape.record(recorded.output);
        // The tape must fold: fewer instructions than interior nodes.
        const nodes = recorded.output.topologicalOrder();
        const interior = nodes.filter((v) => v.children.length > 0).length;
        expect((tape as unknown as { starts: Int32Array }).starts.length).toBeLessThan(interior);
        for (const moved of [inputs, inputs.map((x) => x + nudge)]) {
          const fresh = fusedGraph(moved, x, shape);
          recorded.leaves.forEach((l, i) => {
            l.data = fresh.leaves[i].data;
            l.grad = 0;
          });
          fresh.output.backward();
          expect(Object.is(tape.forward(), fresh.output.data)).toBe(true);
          tape.backward();
          expect(recorded.leaves.map((l) => l.grad)).toEqual(fresh.leaves.map((l) => l.grad));
          // Every node of the recorded graph, fused or not, reads as the fresh eager graph's.
          const eagerNodes = fresh.output.topologicalOrder();
          expect(nodes.map((v) => tape.read(v))).toEqual(eagerNodes.map((v) => v.data));
        }
      },
    ),
    { seed: 1414, numRuns: 200 },
  );
});

test('read() of a fused product and of an addition-chain link gives their replayed data', () => {
  const w = new Value(2);
  const x = new Value(3);
  const b = new Value(1);
  const product = w.mul(x);
  const link = b.add(product);
  const v = new Value(0.5);
  const out = link.add(v.mul(4)).relu(); // one instruction: a sum with its relu
  const tape = Tape.record(out);
  expect((tape as unknown as { starts: Int32Array }).starts.length).toBe(1);
  w.data = -5;
  expect(tape.forward()).toBe(0);
  expect(tape.read(product)).toBe(-15);
  expect(tape.read(link)).toBe(-14);
  expect(tape.read(out.children[0])).toBe(-12);
  expect(() => tape.read(new Value(1))).toThrow('not part of this tape');
});

test('sums of one shape are computed together only when none reads another', () => {
  // Six independent sums of one shape, and a chain of five where each reads the one before:
  // forward computes the first four at a time (and the other two alone); the chain in order.
  const leaves = Array.from({ length: 18 }, (_, i) => new Value((i % 7) - 3.25));
  const independent = Array.from({ length: 6 }, (_, j) =>
    Value.sum([leaves[j], leaves[j + 6].mul(leaves[j + 12]), 0.5]).relu(),
  );
  let link: Value = leaves[0];
  for (let j = 1; j < 6; j++) link = Value.sum([link, leaves[j]]);
  const output = Value.sum([...independent, link]);
  const tape = Tape.record(output);
  // The program opens with the group's header ([Group, 6, 1]: backward runs the six together
  // too, so the group is backward's first step), then its six sums.
  const { program, starts } = tape as unknown as { program: Int32Array; starts: Int32Array };
  expect([program[1], program[2], starts[0]]).toEqual([6, 1, 0]);
  const step = (shift: number) => {
    leaves.forEach((l, i) => {
      l.data = ((i * 5 + shift) % 11) - 5.5;
      l.grad = 0;
    });
    const fresh = Value.sum([
      ...leaves
        .slice(0, 6)
        .map((l, j) => Value.sum([l, leaves[j + 6].mul(leaves[j + 12]), 0.5]).relu()),
      leaves.slice(1, 6).reduce((sum: Value, l) => Value.sum([sum, l]), leaves[0]),
    ]);
    expect(tape.forward()).toBe(fresh.data);
    tape.backward();
    const grads = leaves.map((l) => l.grad);
    leaves.forEach((l) => (l.grad = 0));
    fresh.backward();
    expect(grads).toEqual(leaves.map((l) => l.grad));
    expect(independent.map((v) => tape.read(v))).toEqual(
      fresh.children.slice(0, 6).map((v) => v.data),
    );
  };
  step(0);
  step(3);
});

/** Runs forward and backward on the tape and eagerly on `build`'s graph; both must agree. */
function expectReplayAsEager(tape: Tape, leaves: Value[], build: () => Value) {
  leaves.forEach((l) => (l.grad = 0));
  const replayed = tape.forward();
  tape.backward();
  const grads = leaves.map((l) => l.grad);
  leaves.forEach((l) => (l.grad = 0));
  const fresh = build();
  fresh.backward();
  expect(replayed).toBe(fresh.data);
  expect(grads).toEqual(leaves.map((l) => l.grad));
}

test("a layer's sums run backward four at a time as eager runs them one by one", () => {
  // Six relu neurons on three shared inputs: a group that backward runs together, the last
  // four as one block, the first two alone. The inputs' gradients also get the output's term.
  const x = [0, 1, 2].map((i) => new Value(i));
  const w = Array.from({ length: 18 }, (_, i) => new Value(i));
  const b = Array.from({ length: 6 }, (_, j) => new Value(j));
  const c = [0.1, 0.7, -1.3, 0.2, 2.9, -0.45];
  const build = () =>
    Value.sum([
      x[0],
      ...b.map((bj, j) =>
        Value.sum([bj, ...x.map((xi, i) => w[3 * j + i].mul(xi))])
          .relu()
          .mul(c[j]),
      ),
    ]);
  const leaves = [...x, ...w, ...b];
  const tape = Tape.record(build());
  // One step of backward for the group, one for the output's sum.
  const { program, starts } = tape as unknown as { program: Int32Array; starts: Int32Array };
  expect([program[1], program[2], starts.length]).toEqual([6, 1, 2]);
  const set = (values: number[]) => leaves.forEach((l, i) => (l.data = values[i]));
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 27, maxLength: 27 }),
      (values) => {
        set(values);
        expectReplayAsEager(tape, leaves, build);
      },
    ),
    { seed: 11, numRuns: 200 },
  );
  // Every relu off: the block is skipped. An infinite input: sums that are -Infinity have a
  // zero gradient but still pass NaN (Infinity * 0) to their weights, as eager does.
  const values = Array.from({ length: 27 }, (_, i) => ((i * 7) % 5) - 2.5);
  set(values.map((v, i) => (i < 3 ? 1 : i < 21 ? 0 : -1)));
  expectReplayAsEager(tape, leaves, build);
  set(values.map((v, i) => (i === 2 ? -Infinity : v)));
  expectReplayAsEager(tape, leaves, build);
  expect(w.some((wi) => Number.isNaN(wi.grad))).toBe(true);
  // Every relu off, and one sum of the block of four -Infinity: the block must still run, to
  // pass NaN to x[0].
  set(values.map((v, i) => (i < 3 ? 1 : i === 3 + 3 * 4 ? -Infinity : i < 21 ? 0 : -1)));
  expectReplayAsEager(tape, leaves, build);
  expect(x[0].grad).toBeNaN();
});

test('sums that write one gradient from different places run backward one by one', () => {
  // Sum j adds 2·x[j + 1], then x[j]: x[j + 1] gets sum j's gradient from the first place and
  // sum j + 1's from the second. Interleaved place by place, x[j + 1] would get sum j's first,
  // where eager adds sum j + 1's first (it runs the later sum's backward first).
  const x = Array.from({ length: 7 }, (_, i) => new Value(i));
  const c = [0.1, 0.2, 0.3, 0.1, 0.7, 0.3];
  const build = () =>
    Value.sum([...x, ...c.map((cj, j) => Value.sum([x[j + 1].mul(2), x[j]]).mul(cj))]);
  const tape = Tape.record(build());
  // The six sums are grouped for forward (the first starts after the group's header), but each
  // is a step of backward of its own (and the output's sum one more).
  const { starts } = tape as unknown as { starts: Int32Array };
  expect([starts[0], starts.length]).toEqual([3, 7]);
  x.forEach((xi, i) => (xi.data = i / 3));
  expectReplayAsEager(tape, x, build);
  // The two orders differ for x[5], which sums 4 and 5 write (backward's first block of four
  // is sums 2 to 5); x[5] also gets 1 from the output's own term, first.
  expect(1 + c[5] + 2 * c[4]).not.toBe(1 + 2 * c[4] + c[5]);
});

test('a tape still reads its nodes after another recording of the same graph', () => {
  const w = new Value(2);
  const x = new Value(3);
  const product = w.mul(x);
  const out = Value.sum([product, 1]).relu();
  const first = Tape.record(out);
  w.data = 4;
  first.forward();
  const second = Tape.record(out.mul(2)); // renumbers the nodes' marks
  second.forward();
  expect(first.read(product)).toBe(12);
  expect(first.read(out)).toBe(13);
  expect(second.read(out)).toBe(13);
});

test('a cycle is an error when recording, as when sorting', () => {
  const a = new Value(1);
  const b = a.add(1);
  const c = b.mul(2);
  (b as unknown as { operand: Value }).operand = c; // b now depends on itself, through c
  let expected = '';
  try {
    c.topologicalOrder();
  } catch (error) {
    expected = (error as Error).message;
  }
  expect(expected).toMatch('cycle');
  expect(() => Tape.record(c)).toThrow(expected);
  // Recording goes on working after the error.
  const d = new Value(2);
  expect(Tape.record(d.mul(d)).forward()).toBe(4);
});

/**
 * Each op code as the engine makes it, from the leaves a and b and the number k, or null for the
 * one the Tape does not record. The Tape's interpreter repeats each operation's math from
 * engine.ts, for speed; the test below checks that the copies agree. A Record over OpCode, so
 * that an op code added without a case here is a type error, and fails that test.
 */
const BUILD_OP: Record<OpCode, ((a: Value, b: Value, k: number) => Value) | null> = {
  [OpCode.Leaf]: (a) => a,
  [OpCode.Neg]: (a) => a.neg(),
  [OpCode.Relu]: (a) => a.relu(),
  [OpCode.Tanh]: (a) => a.tanh(),
  [OpCode.Sigmoid]: (a) => a.sigmoid(),
  [OpCode.Exp]: (a) => a.exp(),
  [OpCode.Log]: (a) => a.log(),
  [OpCode.AddConstant]: (a, _, k) => a.add(k),
  [OpCode.SubConstant]: (a, _, k) => a.sub(k),
  [OpCode.ConstantSub]: (a, _, k) => a.rsub(k),
  [OpCode.MulConstant]: (a, _, k) => a.mul(k),
  [OpCode.DivConstant]: (a, _, k) => a.div(k),
  [OpCode.ConstantDiv]: (a, _, k) => a.rdiv(k),
  [OpCode.PowConstant]: (a, _, k) => a.pow(k),
  [OpCode.ConstantPow]: (a, _, k) => a.rpow(k),
  [OpCode.Add]: (a, b) => a.add(b),
  [OpCode.Sub]: (a, b) => a.sub(b),
  [OpCode.Mul]: (a, b) => a.mul(b),
  [OpCode.Div]: (a, b) => a.div(b),
  [OpCode.Pow]: (a, b) => a.pow(b),
  // a twice: its gradient gets both terms', in order.
  [OpCode.Sum]: (a, b, k) => Value.sum([a, k, b, a]),
  // A number input and a Value one; b is a weight and an input.
  [OpCode.WeightedSum]: (a, b, k) => Value.weightedSum(a, [b, a], [k, b]),
  // A custom operation's backward is the caller's own: the Tape refuses it (see the test above).
  [OpCode.Custom]: null,
};

/** Zero of both signs, tiny, large, past exp's and log's range, and the numbers between. */
const EDGE_INPUTS = [0, -0, 1, -1, 0.5, -2.5, 3, 1e-300, 710, -746, 1e154, -1e308];
const EDGE_CONSTANTS = [0, -0, 1, -1, 2, 0.5, -3, 1e300];
/** The output's gradient into the op: the op's result is multiplied by a leaf s. */
const UPSTREAM = [1, -3, 0, 1e300];

/** A number as text that tells -0 from 0 and is the same only for the same double. */
function exact(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

test("every op's forward and backward on a Tape replay eager's bit for bit, at edge values", () => {
  const opCodes = Object.values(OpCode).filter((c): c is OpCode => typeof c === 'number');
  expect(opCodes.filter((c) => !(c in BUILD_OP)).map((c) => OpCode[c])).toEqual([]);
  const mismatches: string[] = [];
  let compared = 0;
  for (const code of opCodes) {
    const build = BUILD_OP[code];
    if (build === null) continue;
    for (const k of EDGE_CONSTANTS) {
      // One recording for each shape (k is part of it), replayed at every input.
      const [a, b, s] = [new Value(1), new Value(2), new Value(1)];
      const op = build(a, b, k);
      expect(op.code).toBe(code);
      const tape = Tape.record(op.mul(s));
      for (const x of EDGE_INPUTS) {
        for (const y of EDGE_INPUTS) {
          for (const g of UPSTREAM) {
            [a.data, b.data, s.data] = [x, y, g];
            [a.grad, b.grad, s.grad] = [0, 0, 0];
            const output = tape.forward();
            tape.backward();
            const replayed = [tape.read(op), output, a.grad, b.grad, s.grad].map(exact);
            const [ea, eb, es] = [new Value(x), new Value(y), new Value(g)];
            const eagerOp = build(ea, eb, k);
            const eagerOutput = eagerOp.mul(es);
            eagerOutput.backward();
            const eager = [eagerOp.data, eagerOutput.data, ea.grad, eb.grad, es.grad].map(exact);
            compared++;
            if (replayed.join() !== eager.join()) {
              mismatches.push(
                `${OpCode[code]} a=${exact(x)} b=${exact(y)} k=${exact(k)} upstream=${g}: ` +
                  `[op, output, ∂a, ∂b, ∂upstream] eager ${eager.join(', ')}, tape ${replayed.join(', ')}`,
              );
            }
          }
        }
      }
    }
  }
  expect(mismatches.slice(0, 10)).toEqual([]);
  // Every recordable op code, every constant, every pair of inputs, every upstream gradient.
  const recordable = opCodes.filter((c) => BUILD_OP[c] !== null).length;
  expect(compared).toBe(
    recordable * EDGE_CONSTANTS.length * EDGE_INPUTS.length ** 2 * UPSTREAM.length,
  );
});
