import { Value, bceWithLogits, crossEntropy, hinge, l2, lossOf, LOSSES, mse } from '../src';
import { exampleLoss } from '../src/losses';
import { sigmoid } from '../src/math';
import { autogradGradient, expectClose, numericGradient } from './helpers';

describe('against hand-computed values', () => {
  test('mse', () => {
    const { out, grads } = autogradGradient((p) => mse(p, [0, 4]), [1, 2]);
    expect(out).toBe(2.5);
    expect(grads).toEqual([1, -2]);
  });

  test('hinge: mean of relu(1 - y·s)', () => {
    const { out, grads } = autogradGradient((s) => hinge(s, [1, 1, -1]), [0.5, -2, -3]);
    expectClose(out, (0.5 + 3 + 0) / 3);
    expect(grads).toEqual([-1 / 3, -1 / 3, 0]);
  });

  test('bceWithLogits', () => {
    const { out, grads } = autogradGradient((s) => bceWithLogits(s, [1, 0]), [0, 2]);
    expectClose(out, (Math.log(2) + Math.log(1 + Math.exp(2))) / 2);
    expectClose(grads[0], (sigmoid(0) - 1) / 2);
    expectClose(grads[1], sigmoid(2) / 2);
  });

  test('bceWithLogits stays finite for large logits', () => {
    expect(bceWithLogits([1000, -1000], [1, 0]).data).toBe(0);
    const { out, grads } = autogradGradient((s) => bceWithLogits(s, [1]), [-1000]);
    expect(out).toBe(1000);
    expect(grads).toEqual([-1]);
  });

  test('crossEntropy: log-sum-exp minus the true logit', () => {
    const logits = [1, 2, 3];
    const { out, grads } = autogradGradient((z) => crossEntropy([z], [2]), logits);
    const sum = logits.reduce((s, z) => s + Math.exp(z), 0);
    expectClose(out, Math.log(sum) - 3);
    grads.forEach((g, i) => expectClose(g, Math.exp(logits[i]) / sum - (i === 2 ? 1 : 0)));
    expect(crossEntropy([[1000, 0]], [1]).data).toBe(1000);
  });

  test('l2: the sum of squares', () => {
    const { out, grads } = autogradGradient((p) => l2(p), [3, -4]);
    expect(out).toBe(25);
    expect(grads).toEqual([6, -8]);
  });
});

describe('against finite differences', () => {
  const xs = [0.3, -1.2, 2.1, -0.4];
  test.each([
    ['mse', (v: Value[]) => mse(v, [1, 0, -1, 2])],
    ['hinge', (v: Value[]) => hinge(v, [1, -1, 1, -1])],
    ['bceWithLogits', (v: Value[]) => bceWithLogits(v, [1, 0, 0, 1])],
    ['crossEntropy', (v: Value[]) => crossEntropy([v.slice(0, 2), v.slice(2)], [1, 0])],
    ['l2', (v: Value[]) => l2(v)],
  ])('%s', (_name, loss) => {
    const { grads } = autogradGradient(loss, xs);
    const numbers = (x: number[]) => loss(x.map((v) => new Value(v))).data;
    grads.forEach((g, i) => expectClose(g, numericGradient(numbers, xs, i), 1e-6, 1e-8));
  });
});

describe('the number forms agree with the Values', () => {
  // One row's outputs and target per loss, on both sides of 0 and far out, where the stable
  // forms matter.
  const rows: Record<(typeof LOSSES)[number], [number[], number][]> = {
    hinge: [
      [[0.4], 1],
      [[-2.5], 0],
      [[3], 0],
      [[-1], -1],
    ],
    bce: [
      [[0.4], 1],
      [[-2.5], 0],
      [[40], 0],
      [[-40], 1],
    ],
    mse: [
      [[0.4], 1],
      [[-2.5], 3.25],
    ],
    crossentropy: [
      [[0.4, -1, 2], 2],
      [[-2.5, 700, 3], 0],
    ],
  };
  test.each(LOSSES)('exampleLoss %s is lossOf of one row', (loss) => {
    for (const [outputs, target] of rows[loss]) {
      const graph = lossOf(loss, [outputs.map((o) => new Value(o))], [target]).data;
      expectClose(exampleLoss(loss, outputs, target), graph, 1e-15, 1e-15);
    }
  });

  test('sigmoid is Value.sigmoid to the last bit', () => {
    for (const x of [-800, -30, -1.5, -1e-9, 0, 1e-9, 0.7, 30, 800]) {
      expect(sigmoid(x)).toBe(new Value(x).sigmoid().data);
    }
  });
});

describe('bad input names the problem', () => {
  test.each([
    [() => mse([1, 2], [1]), 'mse: 2 predictions but 1 labels'],
    [() => hinge([1], [0]), 'hinge: label 0 at index 0 is not one of -1, 1'],
    [() => bceWithLogits([1, 2], [1, 2]), 'bceWithLogits: label 2 at index 1 is not one of 0, 1'],
    [() => crossEntropy([[1, 2]], [2]), 'crossEntropy: class 2 of example 0 is outside 0..1'],
    [() => crossEntropy([[1, 2]], [0, 1]), 'crossEntropy: 1 predictions but 2 labels'],
    [() => mse([], []), 'mse: no predictions'],
    [() => mse([1, 2], [0, NaN]), 'mse: target NaN at index 1 is not a finite number'],
  ])('%#', (call, message) => {
    expect(call).toThrow(message);
  });
});
