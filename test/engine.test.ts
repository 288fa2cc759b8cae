import { inspect } from 'util';
import { Value } from '../src';
import { autogradGradient, expectClose, numericGradient } from './helpers';

type Case = {
  name: string;
  value: (vs: Value[]) => Value;
  number: (xs: number[]) => number;
  points: number[][];
};

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

// Each op at several points, including near kinks (relu at ±1e-3) and saturation (tanh, sigmoid at ±8).
const cases: Case[] = [
  {
    name: 'add',
    value: ([a, b]) => a.add(b),
    number: ([a, b]) => a + b,
    points: [
      [1, 2],
      [-3, 0.5],
    ],
  },
  {
    name: 'sub',
    value: ([a, b]) => a.sub(b),
    number: ([a, b]) => a - b,
    points: [
      [1, 2],
      [-3, 0.5],
    ],
  },
  {
    name: 'mul',
    value: ([a, b]) => a.mul(b),
    number: ([a, b]) => a * b,
    points: [
      [1.5, -2],
      [0, 3],
    ],
  },
  {
    name: 'div',
    value: ([a, b]) => a.div(b),
    number: ([a, b]) => a / b,
    points: [
      [1.5, -2],
      [3, 0.25],
    ],
  },
  {
    name: 'pow number',
    value: ([a]) => a.pow(3),
    number: ([a]) => a ** 3,
    points: [[1.5], [-2], [0.1]],
  },
  { name: 'pow -1', value: ([a]) => a.pow(-1), number: ([a]) => 1 / a, points: [[1.5], [-2]] },
  {
    name: 'pow fractional',
    value: ([a]) => a.pow(0.5),
    number: ([a]) => Math.sqrt(a),
    points: [[2], [0.3]],
  },
  {
    name: 'pow Value',
    value: ([a, b]) => a.pow(b),
    number: ([a, b]) => a ** b,
    points: [
      [2, 3],
      [0.5, -1.5],
      [3.1, 0.2],
    ],
  },
  { name: 'neg', value: ([a]) => a.neg(), number: ([a]) => -a, points: [[2], [-0.5]] },
  { name: 'radd', value: ([a]) => a.radd(3), number: ([a]) => 3 + a, points: [[2]] },
  { name: 'rsub', value: ([a]) => a.rsub(3), number: ([a]) => 3 - a, points: [[2]] },
  { name: 'rmul', value: ([a]) => a.rmul(3), number: ([a]) => 3 * a, points: [[2]] },
  { name: 'rdiv', value: ([a]) => a.rdiv(3), number: ([a]) => 3 / a, points: [[2], [-0.5]] },
  { name: 'rpow', value: ([a]) => a.rpow(3), number: ([a]) => 3 ** a, points: [[2], [-0.5]] },
  {
    name: 'relu',
    value: ([a]) => a.relu(),
    number: ([a]) => Math.max(0, a),
    points: [[2], [-2], [1e-3], [-1e-3]],
  },
  {
    name: 'tanh',
    value: ([a]) => a.tanh(),
    number: ([a]) => Math.tanh(a),
    points: [[0.3], [-1.7], [8], [-8]],
  },
  {
    name: 'sigmoid',
    value: ([a]) => a.sigmoid(),
    number: ([a]) => sigmoid(a),
    points: [[0.3], [-1.7], [8], [-8]],
  },
  {
    name: 'exp',
    value: ([a]) => a.exp(),
    number: ([a]) => Math.exp(a),
    points: [[0.3], [-1.7], [5]],
  },
  {
    name: 'log',
    value: ([a]) => a.log(),
    number: ([a]) => Math.log(a),
    points: [[0.3], [1.7], [50]],
  },
  {
    name: 'sum',
    value: (vs) => Value.sum([...vs, 2]),
    number: (xs) => xs.reduce((s, x) => s + x, 2),
    points: [[1, -2, 3]],
  },
  {
    name: 'shared subexpression',
    value: ([a, b]) => {
      const c = a * b + a;
      return (c * c).tanh() + c.exp();
    },
    number: ([a, b]) => {
      const c = a * b + a;
      return Math.tanh(c * c) + Math.exp(c);
    },
    points: [
      [0.3, -0.7],
      [-0.2, 0.4],
    ],
  },
];

describe('natural arithmetic is the same computation as the method it stands for', () => {
  const [x, y] = [1.7, -0.6];
  test.each([
    ['a + b', ([a, b]: Value[]) => a + b, ([a, b]: Value[]) => a.add(b)],
    ['a - b', ([a, b]: Value[]) => a - b, ([a, b]: Value[]) => a.sub(b)],
    ['a * b', ([a, b]: Value[]) => a * b, ([a, b]: Value[]) => a.mul(b)],
    ['a / b', ([a, b]: Value[]) => a / b, ([a, b]: Value[]) => a.div(b)],
    ['a ** b', ([a, b]: Value[]) => a ** b, ([a, b]: Value[]) => a.pow(b)],
    ['a ** 3', ([a]: Value[]) => a ** 3, ([a]: Value[]) => a.pow(3)],
    ['-a', ([a]: Value[]) => -a, ([a]: Value[]) => a.neg()],
    ['2 + a', ([a]: Value[]) => 2 + a, ([a]: Value[]) => a.radd(2)],
    ['2 - a', ([a]: Value[]) => 2 - a, ([a]: Value[]) => a.rsub(2)],
    ['2 * a', ([a]: Value[]) => 2 * a, ([a]: Value[]) => a.rmul(2)],
    ['2 / a', ([a]: Value[]) => 2 / a, ([a]: Value[]) => a.rdiv(2)],
    ['2 ** a', ([a]: Value[]) => 2 ** a, ([a]: Value[]) => a.rpow(2)],
  ])('%s', (_name, natural, method) => {
    expect(autogradGradient(natural, [x, y])).toEqual(autogradGradient(method, [x, y]));
  });
});

describe('every op against central finite differences', () => {
  for (const c of cases) {
    test.each(c.points)(`${c.name} at %p`, (...xs: number[]) => {
      const { out, grads } = autogradGradient(c.value, xs);
      expectClose(out, c.number(xs), 1e-12);
      grads.forEach((g, i) => expectClose(g, numericGradient(c.number, xs, i), 1e-6, 1e-8));
    });
  }
});

describe('reference values', () => {
  test("micrograd's sanity check: y = -20, dy/dx = 46", () => {
    const x = new Value(-4.0);
    const z = 2 * x + 2 + x;
    const q = z.relu() + z * x;
    const h = (z * z).relu();
    const y = h + q + q * x;
    y.backward();
    expect(y.data).toBe(-20);
    expect(x.grad).toBe(46);
  });

  test("micrograd's README expression: g = 24.704, dg/da = 138.83, dg/db = 645.58", () => {
    const a = new Value(-4.0);
    const b = new Value(2.0);
    let c = a + b;
    let d = a * b + b ** 3;
    c += c + 1;
    c += 1 + c + -a;
    d += d * 2 + (b + a).relu();
    d += 3 * d + (b - a).relu();
    const e = c - d;
    const f = e ** 2;
    let g = f / 2.0;
    g += 10.0 / f;
    g.backward();
    expectClose(g.data, 24.70408163265306);
    expectClose(a.grad, 138.83381924198252);
    expectClose(b.grad, 645.5772594752186);
  });

  test('the README expression gives the same numbers written with method calls', () => {
    const a = new Value(-4.0);
    const b = new Value(2.0);
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1));
    c = c.add(c.radd(1)).add(a.neg());
    d = d.add(d.mul(2)).add(b.add(a).relu());
    d = d.add(d.rmul(3)).add(b.sub(a).relu());
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2.0);
    g = g.add(f.rdiv(10.0));
    g.backward();
    expect([g.data, a.grad, b.grad]).toEqual([
      24.70408163265306, 138.83381924198252, 645.5772594752186,
    ]);
  });

  test('NN II: L = (a*b + c) * f is -8, with its hand-derived gradients', () => {
    const a = new Value(4.0, 'a');
    const b = new Value(-3.0, 'b');
    const c = new Value(8.0, 'c');
    const f = new Value(2.0, 'f');
    const d = a * b;
    const e = d + c;
    const L = e * f;
    L.backward();
    expect(L.data).toBe(-8);
    // dL/de = f, dL/df = e, dL/dc = dL/dd = f, dL/da = b*f, dL/db = a*f
    expect([e.grad, f.grad, c.grad, d.grad, a.grad, b.grad]).toEqual([2, -4, 2, 2, -6, 8]);
  });

  test("NN II: the single ReLU neuron matches the seed's PyTorch numbers", () => {
    const x1 = new Value(2.0, 'x1');
    const x2 = new Value(0.0, 'x2');
    const w1 = new Value(-3.0, 'w1');
    const w2 = new Value(1.0, 'w2');
    const b = new Value(6.8813735870195432, 'b');
    const n = x1 * w1 + x2 * w2 + b;
    const o = n.relu();
    o.backward();
    expectClose(o.data, 0.8813735870195432);
    expect([x2.grad, w2.grad, x1.grad, w1.grad]).toEqual([1, 0, -3, 2]);
  });

  test('NN II: b = a + a gives a.grad = 2', () => {
    const a = new Value(3.0, 'a');
    (a + a).backward();
    expect(a.toString()).toBe('Value(data=3, grad=2)');
  });

  test('MiniFlow: MSE of y = [1, 2, 3] and a = [4.5, 5, 10] is 23.4166666667', () => {
    const y = [1, 2, 3];
    const a = [4.5, 5, 10].map((x) => new Value(x));
    const cost = Value.sum(a.map((ai, i) => (y[i] - ai) ** 2)) / 3;
    expectClose(cost.data, 23.416666666666668);
  });

  test('MiniFlow: Linear -> Sigmoid -> MSE gradients ("Expected output for case 1")', () => {
    const X = [
      [-1, -2],
      [-1, -2],
    ].map((row) => row.map((x) => new Value(x)));
    const W = [2, 3].map((w) => new Value(w));
    const b = new Value(-3);
    const y = [1, 2].map((v) => new Value(v));
    const activations = X.map((row) => (row[0] * W[0] + row[1] * W[1] + b).sigmoid());
    const cost = Value.sum(y.map((yi, i) => (yi - activations[i]) ** 2)) / 2;
    cost.backward();
    // The seed prints these to the digits shown; compare at that precision.
    const expectDigits = (actual: number, expected: number) => expectClose(actual, expected, 1e-6);
    expectDigits(X[0][0].grad, -3.3401728e-5);
    expectDigits(X[0][1].grad, -5.01025919e-5);
    expectDigits(X[1][0].grad, -6.68040138e-5);
    expectDigits(X[1][1].grad, -1.00206021e-4);
    expectDigits(y[0].grad, 0.9999833);
    expectDigits(y[1].grad, 1.9999833);
    expectDigits(W[0].grad, 5.01028709e-5);
    expectDigits(W[1].grad, 1.00205742e-4);
    expectDigits(b.grad, -5.01028709e-5);
  });
});

describe('numerical safety', () => {
  test('tanh and sigmoid saturate without NaN', () => {
    const t = new Value(1000).tanh();
    t.backward();
    expect(t.data).toBe(1);
    expect(t.children[0].grad).toBe(0);
    const s = new Value(-1000).sigmoid();
    s.backward();
    expect(s.data).toBe(0);
    expect(s.children[0].grad).toBe(0);
    expect(new Value(1000).sigmoid().data).toBe(1);
    expect(new Value(-1000).tanh().data).toBe(-1);
  });

  test('x ** 0 has gradient 0, even at 0', () => {
    const x = new Value(0);
    x.pow(0).backward();
    expect(x.grad).toBe(0);
  });
});

describe('backward', () => {
  test('a chain of 1,000,000 nodes backpropagates without overflowing the stack', () => {
    const x = new Value(0.5);
    let y = x;
    for (let i = 0; i < 1_000_000; i++) y = y.add(1);
    y.backward();
    expect(y.data).toBe(1_000_000.5);
    expect(x.grad).toBe(1);
  });

  test('calling backward twice adds the same gradient to the leaves twice, as PyTorch does', () => {
    const a = new Value(2);
    const b = new Value(-3);
    const c = a.mul(b).tanh().add(a.pow(2));
    c.backward();
    const once = [a.grad, b.grad];
    const interior = c.children.map((n) => n.grad);
    c.backward();
    expectClose(a.grad, 2 * once[0]);
    expectClose(b.grad, 2 * once[1]);
    expect(c.children.map((n) => n.grad)).toEqual(interior);
  });

  test('backward on a leaf gives it gradient 1', () => {
    const a = new Value(2);
    a.backward();
    expect(a.grad).toBe(1);
  });

  test('topologicalOrder lists each node once, children first', () => {
    const a = new Value(1);
    const b = a.mul(a);
    const c = b.add(b).add(a);
    const order = c.topologicalOrder();
    expect(new Set(order).size).toBe(order.length);
    for (const node of order) {
      for (const child of node.children)
        expect(order.indexOf(child)).toBeLessThan(order.indexOf(node));
    }
    expect(order[order.length - 1]).toBe(c);
  });
});

describe('the node', () => {
  test('children is read-only: a cycle cannot be made by assigning it', () => {
    const a = new Value(1);
    const b = a.add(2);
    const c = b.mul(a);
    expect(() => {
      (a as unknown as { children: Value[] }).children = [c];
    }).toThrow(TypeError);
    expect(a.children).toEqual([]);
    c.backward();
    expect(a.grad).toBe(4); // d(a(a+2))/da = 2a + 2
  });

  test("a cycle made behind the engine's back is refused by backward, and the engine still works", () => {
    const a = new Value(1);
    const b = a.mul(3);
    const c = b.add(a);
    (a as unknown as { code: number; operand: Value }).code = (
      c as unknown as { code: number }
    ).code;
    Object.assign(a, { operand: c, other: b });
    expect(() => c.backward()).toThrow(/cycle/);
    expect(() => c.topologicalOrder()).toThrow(/cycle/);
    const x = new Value(2);
    const y = x.mul(x).add(x);
    y.backward();
    expect(x.grad).toBe(5);
  });

  test('a leaf met before a cycle was refused is listed again by the next topologicalOrder', () => {
    const w = new Value(2);
    const a = new Value(1);
    const b = a.mul(w); // listing c meets the leaf w here, then the cycle at a
    const c = b.add(a);
    (a as unknown as { code: number }).code = (c as unknown as { code: number }).code;
    Object.assign(a, { operand: c, other: b });
    expect(() => c.topologicalOrder()).toThrow(/cycle/);
    const y = w.mul(3);
    expect(y.topologicalOrder()).toEqual([w, y]);
  });

  test('a number operand stays a constant on the node, not a leaf Value', () => {
    const x = new Value(3);
    expect(x.mul(2).children).toEqual([x]);
    expect(x.mul(2).op).toBe('*2');
    expect(x.rsub(2).op).toBe('2-');
    expect(Value.sum([x, 1, x]).children).toEqual([x, x]);
    expect(x.add(new Value(1)).op).toBe('+');
  });

  test('a weighted sum is one node that computes what the sum of its products computes, bit for bit', () => {
    // Shapes where the order of additions shows: an input used twice, a weight that is also an input.
    const make = () => {
      const [b, w1, w2, x] = [0.1, -0.7, 1.3, 0.3].map((d) => new Value(d));
      return { b, w1, w2, x, weights: [w1, w2, w1, x], inputs: [x, x, 0.25, w2] };
    };
    const fused = make();
    const spelled = make();
    const one = Value.weightedSum(fused.b, fused.weights, fused.inputs).tanh();
    const many = Value.sum([
      spelled.b,
      ...spelled.weights.map((w, i) => w.mul(spelled.inputs[i])),
    ]).tanh();
    one.backward();
    many.backward();
    expect(Object.is(one.data, many.data)).toBe(true);
    for (const name of ['b', 'w1', 'w2', 'x'] as const) {
      expect(Object.is(fused[name].grad, spelled[name].grad)).toBe(true);
    }
    const sum = one.children[0];
    expect(sum.op).toBe('w·x+b');
    expect(sum.children).toEqual([
      fused.b,
      fused.w1,
      fused.x,
      fused.w2,
      fused.x,
      fused.w1,
      fused.x,
      fused.w2,
    ]);
    expect(one.topologicalOrder()).toHaveLength(6); // b, w1, x, w2, the sum, tanh
  });

  test('a backward run from inside a custom backward gets gradients of its own', () => {
    const inner = new Value(2);
    const x = new Value(3);
    let innerGrad = NaN;
    const custom = new Value(x.data * 2, '', [x], 'double', function (this: Value) {
      const square = inner.mul(inner);
      square.backward(); // sorts another graph while this one is being walked
      innerGrad = inner.grad;
      x.grad += 2 * this.grad;
    });
    const out = custom.add(x).mul(x);
    out.backward();
    expect(innerGrad).toBe(4);
    expect(x.grad).toBe(18); // out = 3x², at x = 3
    expect(out.topologicalOrder()).toEqual([x, custom, out.children[0], out]);
  });
});

describe('bad input', () => {
  test.each([
    ['a string', '1', /string/],
    ['undefined', undefined, /undefined/],
    ['an object', { data: 1 }, /object/],
    ['null', null, /null/],
  ])('Value of %s is a TypeError saying what it got', (_name, data, message) => {
    expect(() => new Value(data as unknown as number)).toThrow(TypeError);
    expect(() => new Value(data as unknown as number)).toThrow(message);
  });

  test('an operand that is neither a Value nor a number is a TypeError', () => {
    expect(() => new Value(1).add('2' as unknown as number)).toThrow(
      /expected a Value or a number, got a string/,
    );
  });

  test('a weighted sum needs one input per weight, and Values for weights and bias', () => {
    const w = [new Value(1), new Value(2)];
    expect(() => Value.weightedSum(new Value(0), w, [1])).toThrow(
      /one input per weight: got 2 weights and 1 inputs/,
    );
    expect(() => Value.weightedSum(new Value(0), [1 as unknown as Value], [1])).toThrow(
      /weight 0 of a weighted sum must be a Value, got number \(1\)/,
    );
    expect(() => Value.weightedSum(new Value(0), w, [1, '2' as unknown as number])).toThrow(
      /got a string/,
    );
  });

  test('Value.from wraps numbers and passes Values through', () => {
    const v = new Value(3);
    expect(Value.from(v)).toBe(v);
    expect(Value.from(4).data).toBe(4);
  });
});

describe('printed', () => {
  test('console.log and JSON.stringify show a node’s numbers, not the block they are stored in', () => {
    const y = new Value(2).mul(3);
    y.backward();
    expect(inspect(y)).toBe('Value(data=6, grad=1)');
    expect(inspect([y])).toBe('[ Value(data=6, grad=1) ]');
    expect(JSON.stringify(y)).toBe('{"data":6,"grad":1,"op":"*3"}');
  });
});
