/** The L1 penalty the training options take beside L2: Σ |p|, its gradient the sign of each p, 0 at 0. */
import { MLP, SGD, Trainer, Value, l1, moons, train } from '../src';

test('l1 is the sum of |p|; its gradient is +1 for a positive p, -1 for a negative, 0 at 0', () => {
  const parameters = [new Value(2.5), new Value(-0.75), new Value(0)];
  const penalty = l1(parameters);
  expect(penalty.data).toBe(3.25);
  penalty.backward();
  expect(parameters.map((p) => p.grad)).toEqual([1, -1, 0]);
});

/** Every parameter's gradient after one step of training, with the given penalty weights. */
function gradientsAfterStep(penalties: { l1?: number; l2?: number }): number[] {
  const model = new MLP(2, [4, 1], { seed: 3 });
  // One weight at exactly 0: the L1 penalty leaves its gradient as the loss makes it.
  model.layers[0].neurons[0].w[0].data = 0;
  // The gradients read are those of the step's backward, at the initial weights.
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  new Trainer({
    model,
    data: moons(20, { seed: 1 }),
    loss: 'hinge',
    optimizer,
    ...penalties,
  }).next();
  return model.parameters().map((p) => p.grad);
}

test('training with l1 adds its weight times the sign of each parameter to the gradient', () => {
  const beta = 0.25;
  const plain = gradientsAfterStep({});
  const penalised = gradientsAfterStep({ l1: beta });
  const signs = new MLP(2, [4, 1], { seed: 3 }).parameters().map((p) => Math.sign(p.data));
  signs[0] = 0;
  penalised.forEach((g, i) => expect(g - plain[i]).toBeCloseTo(beta * signs[i], 12));
  expect(signs.filter((s) => s !== 0).length).toBeGreaterThan(10);
});

test('l1 and l2 together add both penalties', () => {
  const both = gradientsAfterStep({ l1: 0.1, l2: 0.01 });
  const l2Only = gradientsAfterStep({ l2: 0.01 });
  const l1Only = gradientsAfterStep({ l1: 0.1 });
  const plain = gradientsAfterStep({});
  both.forEach((g, i) => expect(g).toBeCloseTo(l2Only[i] + l1Only[i] - plain[i], 12));
});

test('l1 drives weights to 0: more of them end near 0 than without it', () => {
  const nearZero = (l1Weight: number) => {
    const model = new MLP(2, [16, 16, 1], { seed: 1 });
    const optimizer = new SGD(model.parameters(), { lr: 0.05 });
    train({
      model,
      data: moons(60, { seed: 2 }),
      loss: 'hinge',
      optimizer,
      l1: l1Weight,
      steps: 200,
    });
    return model.parameters().filter((p) => Math.abs(p.data) < 0.01).length;
  };
  expect(nearZero(0.01)).toBeGreaterThan(nearZero(0) + 20);
});

test.each([-1, NaN, Infinity, '0.1'])('l1 of %p is refused, as l2 is', (bad) => {
  const model = new MLP(2, [1]);
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  expect(
    () => new Trainer({ model, data: moons(4), loss: 'hinge', optimizer, l1: bad as number }),
  ).toThrow(`l1 must be a finite number of at least 0, got ${String(bad)}`);
});
