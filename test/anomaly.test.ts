import { AnomalyError, MLP, Value, detectAnomaly } from '../src';

test('the first operation with a non-finite result throws, naming it, its operands and its label', () => {
  const x = new Value(0, 'x');
  expect(() =>
    detectAnomaly(() => {
      const y = x * 2;
      return y.log() + 1;
    }),
  ).toThrow(new AnomalyError("'log' produced -Infinity from [0]"));
  const big = new Value(1000, 'big');
  expect(() => detectAnomaly(() => big.exp())).toThrow("'exp' produced Infinity from [big=1000]");
});

test('a gradient that turns non-finite in backward throws, naming the operation', () => {
  const x = new Value(0, 'x');
  expect(() =>
    detectAnomaly(() => {
      const root = x ** 0.5; // finite value 0, infinite slope
      root.label = 'root';
      root.backward();
    }),
  ).toThrow(
    /the gradient through '\*\*0\.5' \(label 'root'\) \(data 0, grad 1\) made an operand's gradient Infinity; operands \[x=0\]/,
  );
});

test("a neuron's weighted sum is checked too: the first non-finite sum is named", () => {
  const model = new MLP(2, [3, 1], { seed: 1 });
  model.layers[0].neurons[1].w[0].data = Infinity;
  expect(() => detectAnomaly(() => model.forward([0.5, -1]))).toThrow(
    /^'w·x\+b' produced Infinity from \[/,
  );
});

test('finite computations run unchanged and return their result', () => {
  const model = new MLP(2, [3, 1], { seed: 1 });
  const inside = detectAnomaly(() => {
    const [out] = model.forward([0.5, -1]);
    out.backward();
    return out.data;
  });
  model.zeroGrad();
  const [out] = model.forward([0.5, -1]);
  expect(inside).toBe(out.data);
});

test('off by default: outside detectAnomaly, NaN flows as in plain arithmetic', () => {
  expect(new Value(-1).log().data).toBeNaN();
  expect(Value.prototype.add.name).toBe('add');
});
