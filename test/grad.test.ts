/**
 * grad: first, second and third derivatives against PyTorch (test/reference/second-order.py
 * computed them once, in float64), against backward() and dual numbers on random graphs, the
 * Hessian's symmetry, hvp against the Hessian, a Tape replaying a second-order graph, anomaly
 * detection and bad input.
 */
import * as fc from 'fast-check';
import {
  AnomalyError,
  MLP,
  PythonRandom,
  Tape,
  Value,
  detectAnomaly,
  drawDot,
  grad,
  gradcheck,
  hessian,
  hvp,
} from '../src';
import reference from './reference/second-order.json';
import { build, forward, graphs } from './random-graphs';

type Leaves = Record<string, Value>;

/** Each expression exactly as written in second-order.py, which Python and TypeScript share. */
const expressions: Record<string, (v: Leaves) => Value> = {
  'a + b': ({ a, b }) => a + b,
  'a - b': ({ a, b }) => a - b,
  'a * b': ({ a, b }) => a * b,
  'a / b': ({ a, b }) => a / b,
  '-a': ({ a }) => -a,
  'a + 2': ({ a }) => a + 2,
  '2 + a': ({ a }) => 2 + a,
  'a - 2': ({ a }) => a - 2,
  '2 - a': ({ a }) => 2 - a,
  'a * 3': ({ a }) => a * 3,
  '3 * a': ({ a }) => 3 * a,
  'a / 3': ({ a }) => a / 3,
  '3 / a': ({ a }) => 3 / a,
  'a ** 2': ({ a }) => a ** 2,
  'a ** 3': ({ a }) => a ** 3,
  'a ** -2': ({ a }) => a ** -2,
  'a ** 0.5': ({ a }) => a ** 0.5,
  'a ** 1.5': ({ a }) => a ** 1.5,
  'a ** b': ({ a, b }) => a ** b,
  '2 ** a': ({ a }) => 2 ** a,
  '0.5 ** a': ({ a }) => 0.5 ** a,
  'a.exp()': ({ a }) => a.exp(),
  'a.log()': ({ a }) => a.log(),
  'a.tanh()': ({ a }) => a.tanh(),
  'a.sigmoid()': ({ a }) => a.sigmoid(),
  'a.relu()': ({ a }) => a.relu(),
  'a.relu() * a': ({ a }) => a.relu() * a,
  'Value.sum([a, b, 3, a])': ({ a, b }) => Value.sum([a, b, 3, a]),
  'Value.weightedSum(c, [a, b], [b, 2])': ({ a, b, c }) => Value.weightedSum(c, [a, b], [b, 2]),
  '(a * b + c).tanh()': ({ a, b, c }) => (a * b + c).tanh(),
  '((a * b + c) * a).sigmoid() * b': ({ a, b, c }) => ((a * b + c) * a).sigmoid() * b,
  '(a.exp() + b.exp()).log()': ({ a, b }) => (a.exp() + b.exp()).log(),
  'a.exp() / (a.exp() + b.exp() + c.exp())': ({ a, b, c }) =>
    a.exp() / (a.exp() + b.exp() + c.exp()),
  '(a * a + b * b) ** 0.5': ({ a, b }) => (a * a + b * b) ** 0.5,
  '(a / b - c) ** 3 / 6': ({ a, b, c }) => (a / b - c) ** 3 / 6,
  'a ** b ** c': ({ a, b, c }) => a ** (b ** c),
  '(1 + (-a * b).exp()).log()': ({ a, b }) => (1 + (-a * b).exp()).log(),
  '(2 * a - b).tanh() ** 2 + (a + b).sigmoid() * c': ({ a, b, c }) =>
    (2 * a - b).tanh() ** 2 + (a + b).sigmoid() * c,
  'Value.weightedSum(c, [a, b, c], [b, 0.5, a]).tanh() * a': ({ a, b, c }) =>
    Value.weightedSum(c, [a, b, c], [b, 0.5, a]).tanh() * a,
  'Value.sum([a * b, (a - c).relu(), b.exp(), 1]) ** 2': ({ a, b, c }) =>
    Value.sum([a * b, (a - c).relu(), b.exp(), 1]) ** 2,
  '(a * 2 + 1).relu() * (b - 3).relu() + (a * b).relu() ** 3': ({ a, b }) =>
    (a * 2 + 1).relu() * (b - 3).relu() + (a * b).relu() ** 3,
};

/** JSON has no NaN or infinity: the generator writes them as strings. */
function numberOf(x: number | string): number {
  return typeof x === 'number' ? x : Number(x);
}

/** Relative closeness to 1e-12; NaN matches NaN, and an infinity only itself. */
function agrees(actual: number, expected: number): boolean {
  if (Number.isNaN(expected) || !Number.isFinite(expected)) return Object.is(actual, expected);
  return Math.abs(actual - expected) <= 1e-12 * Math.abs(expected);
}

/** The derivatives of one case, computed as the generator does: grad of grad of grad. */
function derivatives(expr: string, inputs: Record<string, number>) {
  const f = expressions[expr];
  if (!f) throw new Error(`no TypeScript twin for ${expr}`);
  const leaves = Object.entries(inputs).map(([name, x]) => new Value(x, name));
  const output = f(Object.fromEntries(leaves.map((leaf) => [leaf.label, leaf])));
  const d = (y: Value) => grad(y, leaves, { createGraph: true });
  const first = d(output);
  const second = first.map(d);
  const third = second.map((row) => row.map(d));
  return {
    value: output.data,
    first: first.map((x) => x.data),
    second: second.map((row) => row.map((x) => x.data)),
    third: third.map((row) => row.map((column) => column.map((x) => x.data))),
  };
}

test(`PyTorch ${reference.torch} float64 computed ${reference.cases.length} cases`, () => {
  expect(reference.dtype).toBe('float64');
  expect(new Set(reference.cases.map((c) => c.expr))).toEqual(new Set(Object.keys(expressions)));
});

describe.each(reference.cases)('$expr at $inputs', (c) => {
  // At a zero base PyTorch takes d(a^b)/db as 0 with a `where`, whose unused branch then gives
  // its derivatives 0 * log 0 = NaN. grad builds nothing for that branch: its derivatives there
  // are finite (the second ones 0, the limits as a -> 0+).
  const zeroBase = c.expr === 'a ** b' && (c.inputs as Record<string, number>).a === 0;

  test('first, second and third derivatives agree with PyTorch to 1e-12', () => {
    const ours = derivatives(c.expr, c.inputs as Record<string, number>);
    const disagreements: string[] = [];
    const compare = (what: string, actual: number, expected: number | string) => {
      const torch = numberOf(expected);
      if (zeroBase && Number.isNaN(torch) ? !Number.isFinite(actual) : !agrees(actual, torch))
        disagreements.push(`${what}: ours ${actual}, PyTorch ${expected}`);
    };
    compare('value', ours.value, c.value);
    c.first.forEach((x, i) => compare(`d/d${i}`, ours.first[i], x));
    c.second.forEach((row, i) =>
      row.forEach((x, j) => compare(`d2/d${i}d${j}`, ours.second[i][j], x)),
    );
    c.third.forEach((row, i) =>
      row.forEach((column, j) =>
        column.forEach((x, k) => compare(`d3/d${i}d${j}d${k}`, ours.third[i][j][k], x)),
      ),
    );
    expect(disagreements).toEqual([]);
    if (zeroBase) expect([ours.second[1][0], ours.second[1][1]]).toEqual([0, 0]);
  });
});

/** Equal numbers, NaN included; a zero's sign is not compared (grad adds a first share to nothing, backward() to 0). */
function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

describe('on random graphs', () => {
  const SEED = 2424;
  const CASES = 300;

  test('grad gives backward()’s numbers, with and without createGraph, and leaves .grad alone', () => {
    fc.assert(
      fc.property(graphs, (graph) => {
        const leaves = graph.inputs.map((x) => new Value(x));
        const nodes = build(graph, leaves);
        const out = nodes[nodes.length - 1];
        for (const node of nodes) node.grad = 7; // a mark grad must leave as it is
        const numbers = grad(out, leaves).map((g) => g.data);
        const built = grad(out, leaves, { createGraph: true }).map((g) => g.data);
        if (nodes.some((node) => node.grad !== 7)) throw new Error('grad changed a .grad');
        for (const node of nodes) node.grad = 0;
        out.backward();
        leaves.forEach((leaf, i) => {
          if (!same(numbers[i], leaf.grad) || !same(built[i], leaf.grad))
            throw new Error(
              `input ${i}: backward ${leaf.grad}, grad ${numbers[i]}, createGraph ${built[i]}`,
            );
        });
      }),
      { seed: SEED, numRuns: CASES },
    );
  });

  test('the Hessian is symmetric (Schwarz) and is the slope of the dual-number gradient', () => {
    const h = 1e-6;
    fc.assert(
      fc.property(graphs, (graph) => {
        const leaves = graph.inputs.map((x) => new Value(x));
        const nodes = build(graph, leaves);
        const H = hessian(nodes[nodes.length - 1], leaves);
        const largest = Math.max(1, ...H.flat().map(Math.abs));
        H.forEach((row, i) =>
          row.forEach((entry, j) => {
            if (Math.abs(entry - H[j][i]) > 1e-10 * largest)
              throw new Error(`H[${i}][${j}] = ${entry} but H[${j}][${i}] = ${H[j][i]}`);
            const nudged = (delta: number) =>
              forward(
                graph,
                graph.inputs.map((x, k) => (k === j ? x + delta : x)),
                i,
              ).out.d;
            const numeric = (nudged(h) - nudged(-h)) / (2 * h);
            if (Math.abs(entry - numeric) > Math.max(1e-4 * Math.abs(numeric), 1e-4 * largest))
              throw new Error(`H[${i}][${j}] = ${entry}, finite differences ${numeric}`);
          }),
        );
      }),
      { seed: SEED + 1, numRuns: CASES },
    );
  });

  test('hvp is the Hessian times the vector', () => {
    fc.assert(
      fc.property(
        graphs,
        fc.infiniteStream(fc.double({ min: -1, max: 1, noNaN: true })),
        (graph, stream) => {
          const leaves = graph.inputs.map((x) => new Value(x));
          const nodes = build(graph, leaves);
          const out = nodes[nodes.length - 1];
          const vector = [...stream.take(leaves.length)];
          const H = hessian(out, leaves);
          const product = hvp(out, leaves, vector);
          H.forEach((row, i) => {
            const expected = row.reduce((sum, entry, j) => sum + entry * vector[j], 0);
            const scale = row.reduce((sum, entry, j) => sum + Math.abs(entry * vector[j]), 0);
            if (Math.abs(product[i] - expected) > 1e-12 * Math.max(scale, 1))
              throw new Error(`(Hv)[${i}]: hvp ${product[i]}, Hessian times v ${expected}`);
          });
        },
      ),
      { seed: SEED + 2, numRuns: CASES },
    );
  });

  test('a Tape records a second-order graph and replays it as eager computes it, bit for bit', () => {
    fc.assert(
      fc.property(graphs, (graph) => {
        const leaves = graph.inputs.map((x) => new Value(x));
        const nodes = build(graph, leaves);
        const gradients = grad(nodes[nodes.length - 1], leaves, { createGraph: true });
        const total = Value.sum(gradients); // the gradients' own leaves (constants) included
        const eagerLeaves = total.topologicalOrder().filter((node) => node.children.length === 0);
        for (const leaf of eagerLeaves) leaf.grad = 0;
        total.backward();
        const eager = eagerLeaves.map((leaf) => leaf.grad);
        for (const leaf of eagerLeaves) leaf.grad = 0;
        const tape = Tape.record(total);
        tape.forward();
        tape.backward();
        if (!Object.is(tape.read(total), total.data))
          throw new Error(`replayed ${tape.read(total)}, eager ${total.data}`);
        gradients.forEach((g) => {
          if (!Object.is(tape.read(g), g.data))
            throw new Error(`replayed ${tape.read(g)}, eager ${g.data}`);
        });
        eagerLeaves.forEach((leaf, i) => {
          if (!Object.is(leaf.grad, eager[i]))
            throw new Error(`leaf ${i}: replayed ${leaf.grad}, eager ${eager[i]}`);
        });
      }),
      { seed: SEED + 3, numRuns: CASES },
    );
  });
});

describe('grad', () => {
  test('without createGraph gives constants; with it, nodes that depend on the inputs', () => {
    const x = new Value(0.7);
    const y = new Value(-1.2);
    const f = (x * y).tanh() + x ** 3;
    for (const g of grad(f, [x, y])) expect([g.op, g.children]).toEqual(['', []]);
    const [gx] = grad(f, [x, y], { createGraph: true });
    expect(gx.topologicalOrder()).toEqual(expect.arrayContaining([x, y]));
  });

  test('an input the output does not use gets the constant 0; the output itself gets 1; a repeated one its gradient each time', () => {
    const x = new Value(2);
    const unused = new Value(5);
    const f = x * x;
    expect(grad(f, [unused, f, x, x]).map((g) => g.data)).toEqual([0, 1, 4, 4]);
    expect(grad(f, [unused], { createGraph: true })[0].children).toEqual([]);
  });

  test('a gradient of an interior node, as PyTorch takes one', () => {
    const x = new Value(0.3);
    const h = x * 2;
    const f = h.tanh() * h;
    const [dh] = grad(f, [h]);
    const t = Math.tanh(0.6);
    expect(dh.data).toBeCloseTo((1 - t * t) * 0.6 + t, 15);
  });

  test('derivatives to any order: the fourth and fifth of exp(2x) and of x^5', () => {
    const x = new Value(0.4);
    const nth = (f: Value, n: number) => {
      let d = f;
      for (let k = 0; k < n; k++) d = grad(d, [x], { createGraph: true })[0];
      return d.data;
    };
    expect(nth((2 * x).exp(), 4)).toBeCloseTo(16 * Math.exp(0.8), 12);
    expect(nth((2 * x).exp(), 5)).toBeCloseTo(32 * Math.exp(0.8), 12);
    expect(nth(x ** 5, 4)).toBeCloseTo(120 * 0.4, 12);
    expect(nth(x ** 5, 5)).toBe(120);
    expect(nth(x ** 5, 6)).toBe(0);
  });

  test('a gradient’s graph can be drawn', () => {
    const x = new Value(0.5, 'x');
    const [gx] = grad(x.tanh() * x, [x], { createGraph: true });
    const dot = drawDot(gx);
    expect(dot).toContain('tanh');
    expect(dot).toContain('x');
  });

  test('a Tape of a second derivative replays at new data as a new eager graph computes it', () => {
    const w = [new Value(0.3), new Value(-0.8), new Value(1.1)];
    const f = () =>
      Value.weightedSum(w[2], [w[0], w[1]], [w[1], 0.5]).tanh() * w[0] ** 2 + (w[1] / w[2]).exp();
    const curvature = () => {
      const gradients = grad(f(), w, { createGraph: true });
      return Value.sum(gradients.map((g, i) => g * (i + 1)));
    };
    const recorded = curvature();
    const tape = Tape.record(recorded);
    w.forEach((p, i) => (p.data += 0.1 * (i + 1)));
    tape.forward();
    const eager = curvature();
    expect(tape.read(recorded)).toBe(eager.data);
    for (const p of w) p.grad = 0;
    eager.backward();
    const eagerGrads = w.map((p) => p.grad);
    for (const p of w) p.grad = 0;
    tape.backward();
    expect(w.map((p) => p.grad)).toEqual(eagerGrads);
  });
});

describe('anomaly detection covers the derivatives', () => {
  test('a second derivative that is infinite is named where it is built', () => {
    const x = new Value(0, 'x');
    const second = () => {
      const [gx] = grad(x ** 1.5, [x], { createGraph: true });
      return grad(gx, [x])[0].data;
    };
    expect(second()).toBe(Infinity); // 0.75 / sqrt(0)
    expect(() => detectAnomaly(second)).toThrow(AnomalyError);
    expect(() => detectAnomaly(second)).toThrow(
      "in the derivative of '**0.5': '**-0.5' produced Infinity from [x=0]",
    );
  });

  test('gradients asked for as numbers are checked too', () => {
    const x = new Value(0, 'x');
    expect(grad(x ** 0.5, [x])[0].data).toBe(Infinity);
    expect(() => detectAnomaly(() => grad(x ** 0.5, [x]))).toThrow(
      "in the derivative of '**0.5': '**-0.5' produced Infinity from [x=0]",
    );
  });

  test('backward() through a derivative built under detectAnomaly is checked', () => {
    const x = new Value(0, 'x');
    expect(() =>
      detectAnomaly(() => grad(x ** 1.5, [x], { createGraph: true })[0].backward()),
    ).toThrow("the gradient through '**0.5'");
  });
});

describe('bad input', () => {
  const x = new Value(1);
  test.each([
    [
      'an array as the output',
      () => grad([x, x] as unknown as Value, [x]),
      'grad differentiates one Value, a scalar; got an array of 2: sum it into one Value (Value.sum) or call grad for each',
    ],
    [
      'a number as the output',
      () => grad(3 as unknown as Value, [x]),
      'grad differentiates a Value; got a number (3) as the output',
    ],
    [
      'one Value as the inputs',
      () => grad(x, x as unknown as Value[]),
      'grad needs the inputs as an array of Values; got a Value (1): wrap it in [ ]',
    ],
    [
      'a number among the inputs',
      () => grad(x * 2, [x, 2 as unknown as Value]),
      'grad: input 1 is a number (2), not a Value; gradients are taken with respect to Values the output was built from',
    ],
    [
      'a custom operation',
      () => grad(new Value(1, '', [x], 'twice', () => {}), [x]),
      "grad cannot differentiate the custom operation 'twice'",
    ],
    [
      'hvp with a vector of the wrong length',
      () => hvp(x * x, [x], [1, 2]),
      'hvp needs one number per input: got 1 inputs and a vector of 2',
    ],
    [
      'hvp with a string in the vector',
      () => hvp(x * x, [x], ['1' as unknown as number]),
      'hvp: vector entry 0 is a string ("1"), not a number',
    ],
    [
      'gradcheck of order 3',
      () => gradcheck(() => x * x, [x], { order: 3 as 2 }),
      'gradcheck: order must be 1 or 2, got 3',
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('gradcheck at order 2', () => {
  test('finite differences of grad agree with its second derivatives on an MLP, and .grad is left alone', () => {
    const model = new MLP(2, [4, 1], { random: new PythonRandom(3), activation: 'tanh' });
    const points = [
      [0.5, -1],
      [-0.3, 0.8],
      [1.2, 0.1],
    ];
    const loss = () => Value.sum(points.map((p) => model.forward(p)[0] ** 2)) / points.length;
    const parameters = model.parameters();
    for (const p of parameters) p.grad = 5;
    const weights = parameters.map((p) => p.data);
    const { checks, maxRelativeError } = gradcheck(loss, parameters, {
      order: 2,
      indices: [0, 3, 12],
    });
    expect(checks).toHaveLength(3 * parameters.length);
    expect(checks[parameters.length + 2]).toMatchObject({ index: 2, wrt: 3 });
    expect(checks.filter((c) => Math.abs(c.analytic) > 1e-3).length).toBeGreaterThan(20);
    expect(maxRelativeError).toBeLessThan(1e-5);
    expect(parameters.map((p) => p.grad)).toEqual(parameters.map(() => 5));
    expect(parameters.map((p) => p.data)).toEqual(weights);
  });
});
