import { Adam, SGD, Value } from '../src';

function parameter(data: number, grad: number): Value {
  const p = new Value(data);
  p.grad = grad;
  return p;
}

describe('SGD', () => {
  test('a plain step moves against the gradient', () => {
    const p = parameter(1, 0.5);
    new SGD([p], { lr: 0.1 }).step();
    expect(p.data).toBe(0.95);
  });

  test('momentum carries the last step forward', () => {
    const p = parameter(1, 1);
    const sgd = new SGD([p], { lr: 0.1, momentum: 0.9 });
    sgd.step();
    expect(p.data).toBeCloseTo(0.9, 15);
    sgd.step(); // velocity 0.9·1 + 1
    expect(p.data).toBeCloseTo(0.71, 15);
  });

  test('a learning rate may be a function of the step', () => {
    const p = parameter(0, 1);
    const seen: number[] = [];
    const sgd = new SGD([p], { lr: (step) => (seen.push(step), 1 / (step + 1)) });
    sgd.step();
    sgd.step();
    expect(seen).toEqual([0, 1]);
    expect(p.data).toBe(-1.5);
  });

  test('zeroGrad clears every gradient', () => {
    const ps = [parameter(1, 3), parameter(2, -1)];
    new SGD(ps, { lr: 1 }).zeroGrad();
    expect(ps.map((p) => p.grad)).toEqual([0, 0]);
  });
});

describe('Adam', () => {
  test('follows a two-step trace computed by hand (bias correction and AdamW decay)', () => {
    const p = parameter(1, 0.5);
    const adam = new Adam([p], { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 });
    adam.step();
    expect(p.data).toBeCloseTo(0.899000002, 15);
    p.grad = -0.25;
    adam.step();
    expect(p.data).toBeCloseTo(0.8714672987058464, 15);
  });

  test('eps is honoured', () => {
    const small = parameter(1, 1e-6);
    const large = parameter(1, 1e-6);
    new Adam([small], { lr: 0.1 }).step();
    new Adam([large], { lr: 0.1, eps: 1 }).step();
    expect(1 - small.data).toBeCloseTo(0.1, 2);
    expect(1 - large.data).toBeLessThan(1e-6);
  });
});

describe('bad settings name the problem', () => {
  test.each([0, -1, NaN, Infinity])('learning rate %p', (lr) => {
    expect(() => new SGD([], { lr })).toThrow(
      `learning rate must be a positive finite number, got ${lr}`,
    );
  });

  test('a learning-rate function that goes bad says at which step', () => {
    const sgd = new SGD([parameter(1, 1)], { lr: (step) => 1 - step });
    sgd.step();
    expect(() => sgd.step()).toThrow(
      'learning rate must be a positive finite number, got 0 at step 1',
    );
  });

  test.each([
    [() => new SGD([], { lr: 1, momentum: 1 }), 'momentum must be in [0, 1), got 1'],
    [() => new Adam([], { lr: 1, beta1: -0.1 }), 'beta1 must be in [0, 1), got -0.1'],
    [() => new Adam([], { lr: 1, eps: -1 }), 'eps must be a finite number of at least 0, got -1'],
  ])('%#', (make, message) => {
    expect(make).toThrow(message);
  });
});
