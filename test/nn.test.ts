import { Layer, MLP, Neuron, Value } from '../src';
import { expectClose, numericGradient } from './helpers';

describe('MLP', () => {
  test('the same seed gives the same model; another seed a different one', () => {
    const weights = (seed: number) =>
      new MLP(3, [4, 4, 1], { seed }).parameters().map((p) => p.data);
    expect(weights(7)).toEqual(weights(7));
    expect(weights(7)).not.toEqual(weights(8));
  });

  test('parameters list each neuron’s weights then its bias, layer by layer', () => {
    const m = new MLP(3, [4, 4, 1], { seed: 1 });
    expect(m.parameters()).toHaveLength(4 * 4 + 4 * 5 + 1 * 5);
    const first = m.layers[0].neurons[0];
    expect(m.parameters().slice(0, 4)).toEqual([...first.w, first.b]);
    expect(first.b.data).toBe(0);
  });

  test('describes itself as micrograd does', () => {
    expect(new MLP(3, [4, 1], { seed: 1 }).toString()).toBe(
      'MLP of [Layer of [ReLUNeuron(3), ReLUNeuron(3), ReLUNeuron(3), ReLUNeuron(3)], Layer of [LinearNeuron(4)]]',
    );
  });

  test('hidden and output activations are applied where they belong', () => {
    const m = new MLP(2, [3, 2], { seed: 3, activation: 'tanh', outputActivation: 'sigmoid' });
    const [out] = m.forward([0.5, -1]);
    expect(out.op).toBe('sigmoid');
    const weightedSum = out.children[0];
    expect(weightedSum.op).toBe('w·x+b');
    expect(weightedSum.children.some((c) => c.op === 'tanh')).toBe(true);
  });

  test('forward of the seeded network agrees with a hand computation, and its gradient with finite differences', () => {
    const m = new MLP(2, [3, 1], { seed: 11, activation: 'tanh' });
    const x = [0.3, -0.8];
    const params = m.parameters();
    const byHand = (ps: number[]) => {
      const hidden = [0, 1, 2].map((j) =>
        Math.tanh(ps[3 * j] * x[0] + ps[3 * j + 1] * x[1] + ps[3 * j + 2]),
      );
      return hidden[0] * ps[9] + hidden[1] * ps[10] + hidden[2] * ps[11] + ps[12];
    };
    const [out] = m.forward(x);
    const values = params.map((p) => p.data);
    expectClose(out.data, byHand(values), 1e-12);
    out.backward();
    params.forEach((p, i) => expectClose(p.grad, numericGradient(byHand, values, i), 1e-6, 1e-8));
    m.zeroGrad();
    expect(params.every((p) => p.grad === 0)).toBe(true);
  });

  test.each(['uniform', 'xavier', 'he'] as const)(
    '%s init keeps weights in a sensible range',
    (init) => {
      const m = new MLP(50, [50, 1], { seed: 5, init });
      const w = m.layers[0].neurons.flatMap((n) => n.w.map((v) => v.data));
      const std = Math.sqrt(w.reduce((s, x) => s + x * x, 0) / w.length);
      const expected = {
        uniform: 1 / Math.sqrt(3),
        xavier: Math.sqrt(6 / 100) / Math.sqrt(3),
        he: Math.sqrt(2 / 50),
      };
      expect(std).toBeGreaterThan(0.9 * expected[init]);
      expect(std).toBeLessThan(1.1 * expected[init]);
    },
  );

  test('accepts Values as inputs, so layers can be composed by hand', () => {
    const m = new MLP(2, [1], { seed: 2 });
    const x = [new Value(1), new Value(2)];
    const [out] = m.forward(x);
    out.backward();
    expect(x[0].grad).toBe(m.layers[0].neurons[0].w[0].data);
  });
});

describe('bad input', () => {
  test('a wrong input length names the expected and given lengths', () => {
    const m = new MLP(3, [4, 1], { seed: 1 });
    expect(() => m.forward([1, 2])).toThrow('MLP expects 3 inputs, got 2');
    expect(() => new Layer(2, 3, { seed: 1 }).forward([1, 2, 3])).toThrow(
      'Layer expects 2 inputs, got 3',
    );
    expect(() => new Neuron(2, { seed: 1 }).forward([1])).toThrow('Neuron expects 2 inputs, got 1');
  });

  test('a non-number input is a TypeError', () => {
    const n = new Neuron(2, { seed: 1 });
    expect(() => n.forward([1, 'x' as unknown as number])).toThrow(TypeError);
  });

  test.each([
    [() => new MLP(0, [1]), /MLP input size must be a positive integer, got 0/],
    [() => new MLP(2, []), /at least one layer size/],
    [() => new MLP(2, [3, 0]), /MLP layer 1 size must be a positive integer, got 0/],
    [() => new Layer(2, 1.5), /Layer output size must be a positive integer, got 1.5/],
    [() => new Neuron(-1), /Neuron input size must be a positive integer/],
    [
      () => new MLP(2, [1], { activation: 'gelu' as never }),
      /unknown activation 'gelu': expected one of relu, tanh, sigmoid, linear/,
    ],
    [() => new MLP(2, [1], { init: 'zeros' as never }), /unknown init 'zeros'/],
  ])('%#: bad sizes and names are errors that say which', (make, message) => {
    expect(make).toThrow(message);
  });
});
