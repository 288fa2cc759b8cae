/** The training loop behind the `train` command and the examples: losses by name, steps, batches. */
import type { Value } from '../engine';
import type { Dataset } from '../data/datasets';
import { batches, shuffle } from '../data/split';
import { bceWithLogits, crossEntropy, hinge, l2, mse } from '../losses';
import { checkChoice, type MLP } from '../nn';
import type { Optimizer } from '../optim';
import { Tape } from '../tape';

export const LOSSES = ['hinge', 'bce', 'crossentropy', 'mse'] as const;
export type LossName = (typeof LOSSES)[number];

export interface StepInfo {
  step: number;
  loss: number;
  /** On the batch just trained on; absent for regression. */
  accuracy?: number;
}

export interface TrainOptions {
  model: MLP;
  data: Dataset;
  loss: LossName;
  optimizer: Optimizer;
  /** Optimizer steps to take (100 by default). */
  steps?: number;
  /** Examples per step; the whole set by default. */
  batchSize?: number;
  /** Weight of the L2 penalty on the parameters (0 by default). */
  l2?: number;
  /** Seeds the order of the mini-batches. */
  seed?: number;
  /**
   * `tape` records the graph once and replays it (full-batch only: one fixed shape), `eager`
   * builds it every step; `auto` (the default) takes the tape whenever it can.
   */
  engine?: 'auto' | 'tape' | 'eager';
  onStep?: (info: StepInfo) => void;
}

export function train(options: TrainOptions): StepInfo[] {
  const { model, data, optimizer, steps = 100 } = options;
  const loss = checkChoice('loss', options.loss, LOSSES);
  checkOutputs(model, data, loss);
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`steps must be a positive whole number, got ${steps}`);
  const alpha = options.l2 ?? 0;
  if (typeof alpha !== 'number' || !(alpha >= 0) || !Number.isFinite(alpha))
    throw new RangeError(`l2 must be a finite number of at least 0, got ${String(alpha)}`);
  const size = options.batchSize ?? data.x.length;
  const engine = checkChoice('engine', options.engine ?? 'auto', [
    'auto',
    'tape',
    'eager',
  ] as const);
  if (engine === 'tape' && size < data.x.length) {
    throw new Error(
      "the tape replays one fixed graph, so it needs full-batch training: drop the batch size, or use engine 'eager'",
    );
  }
  if (engine !== 'eager' && size >= data.x.length) return trainOnTape(options, loss, steps);
  let epoch = 0;
  let queue: Dataset[] = [];
  const history: StepInfo[] = [];
  for (let step = 0; step < steps; step++) {
    if (queue.length === 0) {
      queue =
        size >= data.x.length
          ? [data]
          : batches(shuffle(data, (options.seed ?? 0) + epoch++), size);
    }
    const batch = queue.shift()!;
    const outputs = batch.x.map((x) => model.forward(x));
    const total = objective(options, loss, outputs, batch.y);
    optimizer.zeroGrad();
    total.backward();
    optimizer.step();
    const info: StepInfo = { step, loss: total.data, accuracy: accuracyOf(loss, outputs, batch) };
    history.push(info);
    options.onStep?.(info);
  }
  return history;
}

/** Full-batch training on a Tape: the loss's graph recorded once, replayed every step. */
function trainOnTape(options: TrainOptions, loss: LossName, steps: number): StepInfo[] {
  const { model, data, optimizer } = options;
  const outputs = data.x.map((x) => model.forward(x));
  const tape = Tape.record(objective(options, loss, outputs, data.y));
  const history: StepInfo[] = [];
  for (let step = 0; step < steps; step++) {
    const value = tape.forward();
    optimizer.zeroGrad();
    tape.backward();
    optimizer.step();
    const scores = outputs.map((o) => o.map((v) => tape.read(v)));
    const info: StepInfo = { step, loss: value, accuracy: accuracyOfScores(loss, scores, data) };
    history.push(info);
    options.onStep?.(info);
  }
  return history;
}

/** The loss, plus the L2 penalty on the parameters when it has a weight. */
function objective(
  options: TrainOptions,
  loss: LossName,
  outputs: readonly Value[][],
  y: readonly number[],
): Value {
  const total = lossOf(loss, outputs, y);
  return options.l2 ? total.add(l2(options.model.parameters()).mul(options.l2)) : total;
}

/** The named loss of the model's outputs against class indices (or targets, for mse). */
export function lossOf(loss: LossName, outputs: readonly Value[][], y: readonly number[]): Value {
  switch (loss) {
    case 'hinge':
      return hinge(
        outputs.map((o) => o[0]),
        y.map((c) => (c === 1 ? 1 : c === 0 ? -1 : c)),
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

/** The class the loss's outputs predict: the sign of a score, or the largest logit. */
export function predictedClass(loss: LossName, output: readonly number[]): number {
  if (loss === 'crossentropy') return output.indexOf(Math.max(...output));
  return output[0] > (loss === 'mse' ? 0.5 : 0) ? 1 : 0;
}

/** The fraction of a classification set the model gets right (undefined for regression). */
export function accuracy(model: MLP, data: Dataset, loss: LossName): number | undefined {
  return accuracyOf(
    loss,
    data.x.map((x) => model.forward(x)),
    data,
  );
}

function accuracyOf(
  loss: LossName,
  outputs: readonly Value[][],
  data: Dataset,
): number | undefined {
  return accuracyOfScores(
    loss,
    outputs.map((o) => o.map((v) => v.data)),
    data,
  );
}

function accuracyOfScores(
  loss: LossName,
  scores: readonly number[][],
  data: Dataset,
): number | undefined {
  if (data.classes === undefined) return undefined;
  const right = scores.filter((s, i) => predictedClass(loss, s) === data.y[i]).length;
  return right / scores.length;
}

function checkOutputs(model: MLP, data: Dataset, loss: LossName): void {
  if ((loss === 'hinge' || loss === 'bce') && (data.classes ?? 2) > 2) {
    throw new Error(
      `the ${loss} loss is for two classes, but the data has ${data.classes}: use crossentropy`,
    );
  }
  const outputs = model.nouts[model.nouts.length - 1];
  const expected = loss === 'crossentropy' ? (data.classes ?? 2) : 1;
  if (outputs !== expected) {
    throw new Error(
      `the ${loss} loss needs a model with ${expected} output${expected === 1 ? '' : 's'}, this one has ${outputs}`,
    );
  }
  if (data.x.length === 0) throw new Error('the data set is empty');
  if (data.x.some((row) => row.length !== model.nin)) {
    throw new Error(
      `the model takes ${model.nin} inputs, but the data has rows of ${data.x.find((r) => r.length !== model.nin)!.length}`,
    );
  }
}
