/**
 * Loss functions over Values. Each is built from the engine's operations, so its gradient
 * comes from backward() like any other expression's. The training job names them (`LossName`)
 * and evaluates many rows as plain numbers (`exampleLoss`).
 */
import { Value } from './engine';

type Prediction = Value | number;

/** The losses a training job can be asked for by name. */
export const LOSSES = ['hinge', 'bce', 'crossentropy', 'mse'] as const;
export type LossName = (typeof LOSSES)[number];

/** Mean squared error: mean of (prediction - target)². */
export function mse(predictions: readonly Prediction[], targets: readonly number[]): Value {
  checkPairs('mse', predictions, targets);
  const bad = targets.findIndex((t) => typeof t !== 'number' || !Number.isFinite(t));
  if (bad >= 0) {
    throw new TypeError(
      `mse: target ${String(targets[bad])} at index ${bad} is not a finite number`,
    );
  }
  const terms = predictions.map((p, i) => Value.from(p).sub(targets[i]).pow(2));
  return Value.sum(terms).div(terms.length);
}

/** micrograd's max-margin loss: mean of relu(1 - y·s), for labels y of ±1 and scores s. */
export function hinge(scores: readonly Prediction[], labels: readonly number[]): Value {
  checkPairs('hinge', scores, labels);
  checkLabels('hinge', labels, [-1, 1]);
  const terms = scores.map((s, i) => Value.from(s).mul(-labels[i]).add(1).relu());
  return Value.sum(terms).div(terms.length);
}

/**
 * Binary cross-entropy on logits, for labels 0 and 1. Per example it is s - s·y + log(1 + e^-s)
 * for s ≥ 0 and -s·y + log(1 + e^s) below: the same function, written so that it never
 * exponentiates a large positive number, and each branch differentiable on its own side.
 */
export function bceWithLogits(logits: readonly Prediction[], labels: readonly number[]): Value {
  checkPairs('bceWithLogits', logits, labels);
  checkLabels('bceWithLogits', labels, [0, 1]);
  const terms = logits.map((l, i) => {
    const s = Value.from(l);
    const y = labels[i];
    return s.data >= 0
      ? s.mul(1 - y).add(s.neg().exp().add(1).log())
      : s.mul(-y).add(s.exp().add(1).log());
  });
  return Value.sum(terms).div(terms.length);
}

/**
 * Softmax cross-entropy, the mean over examples of log Σ e^z - z[class], computed in the log
 * domain (the largest logit subtracted first) as the LxMLS lab does. The largest logit enters
 * the graph as a constant: a Tape replays the one it recorded, which leaves the loss the same
 * (any constant would do) as long as the logits do not drift hundreds of units away from it.
 */
export function crossEntropy(
  logits: readonly (readonly Prediction[])[],
  classes: readonly number[],
): Value {
  checkPairs('crossEntropy', logits, classes);
  const terms = logits.map((row, i) => {
    const k = classes[i];
    if (!Number.isInteger(k) || k < 0 || k >= row.length) {
      throw new RangeError(
        `crossEntropy: class ${k} of example ${i} is outside 0..${row.length - 1}`,
      );
    }
    const z = row.map(Value.from);
    const shift = z.reduce((largest, v) => Math.max(largest, v.data), -Infinity);
    const logSumExp = Value.sum(z.map((v) => v.sub(shift).exp()))
      .log()
      .add(shift);
    return logSumExp.sub(z[k]);
  });
  return Value.sum(terms).div(terms.length);
}

/** The named loss of the model's outputs against class indices (or targets, for mse). */
export function lossOf(loss: LossName, outputs: readonly Value[][], y: readonly number[]): Value {
  switch (loss) {
    case 'hinge':
      return hinge(
        outputs.map((o) => o[0]),
        y.map(hingeLabel),
      );
    case 'bce':
      return bceWithLogits(
        outputs.map((o) => o[0]),
        y,
      );
    case 'crossentropy':
      return crossEntropy(outputs, y);
    case 'mse':
      return mse(
        outputs.map((o) => o[0]),
        y,
      );
  }
}

/**
 * One example's term of the named loss as a plain number, as lossOf computes it, without
 * building a graph: evaluating a million rows this way takes no garbage collection.
 */
export function exampleLoss(loss: LossName, outputs: readonly number[], target: number): number {
  const s = outputs[0];
  switch (loss) {
    case 'hinge':
      return Math.max(0, 1 - hingeLabel(target) * s);
    case 'bce':
      return Math.max(s, 0) - s * target + Math.log1p(Math.exp(-Math.abs(s)));
    case 'mse':
      return (s - target) ** 2;
    case 'crossentropy': {
      let shift = -Infinity;
      for (const z of outputs) shift = Math.max(shift, z);
      let sum = 0;
      for (const z of outputs) sum += Math.exp(z - shift);
      return Math.log(sum) + shift - outputs[target];
    }
  }
}

/** Class 0 is hinge's -1 and class 1 its +1; labels already ±1 stay as they are. */
export function hingeLabel(c: number): number {
  return c === 1 ? 1 : c === 0 ? -1 : c;
}

/** The L2 penalty Σ p², to be scaled by a weight-decay factor. */
export function l2(parameters: readonly Value[]): Value {
  return Value.sum(parameters.map((p) => p.mul(p)));
}

/**
 * The L1 penalty Σ |p|, each |p| written relu(p) + relu(-p): its gradient is the sign of p, and 0
 * at p = 0 (relu's at 0), so a weight at 0 stays there.
 */
export function l1(parameters: readonly Value[]): Value {
  return Value.sum(parameters.map((p) => p.relu().add(p.neg().relu())));
}

function checkPairs(
  loss: string,
  predictions: readonly unknown[],
  targets: readonly unknown[],
): void {
  if (predictions.length !== targets.length) {
    throw new RangeError(`${loss}: ${predictions.length} predictions but ${targets.length} labels`);
  }
  if (predictions.length === 0) throw new RangeError(`${loss}: no predictions`);
}

function checkLabels(loss: string, labels: readonly number[], allowed: readonly number[]): void {
  const i = labels.findIndex((y) => !allowed.includes(y));
  if (i >= 0)
    throw new RangeError(
      `${loss}: label ${labels[i]} at index ${i} is not one of ${allowed.join(', ')}`,
    );
}
