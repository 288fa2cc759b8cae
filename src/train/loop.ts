/**
 * The training loop behind the training job and scripts: losses by name, steps, mini-batches,
 * and a Tape wherever one recorded graph can be replayed instead of building a new one.
 */
import { Value } from '../engine';
import type { Dataset } from '../data/datasets';
import { rowCount, rowOf, rowsOf, tableOf, type Table } from '../data/table';
import { checkChoice, checkNonNegative, checkPositiveInteger } from '../checks';
import { LOSSES, hinge, hingeLabel, l1, l2, lossOf, mse, type LossName } from '../losses';
import type { MLP } from '../nn';
import type { Optimizer } from '../optim';
import { Random } from '../random';
import { Tape } from '../tape';
import { DivergenceError, hasDiverged } from './divergence';

export const ENGINES = ['auto', 'tape', 'eager'] as const;
export type Engine = (typeof ENGINES)[number];

/**
 * Losses whose graph has one shape for every batch of a size once the labels are leaves (BCE
 * written without its branch on the sign of each logit). Cross-entropy picks the labelled
 * logit: its graph depends on the batch, so its mini-batches are built eagerly.
 */
const REPLAYABLE_LOSSES: readonly LossName[] = ['hinge', 'mse', 'bce'];

/**
 * The most Values one step's graph may hold: at about 250 bytes each on a tape (a full batch of
 * 60,000 moons rows through the default network, 4.3 million Values, took 1.1 GB of heap), a
 * larger graph would run Node's heap out of memory instead of training.
 */
export const MAX_STEP_VALUES = 5_000_000;

export interface StepInfo {
  step: number;
  loss: number;
  /** On the batch just trained on; absent for regression. */
  accuracy?: number;
  /** Every few steps, with held-out rows: the mean loss of those for early stopping… */
  validationLoss?: number;
  /** …and of (up to a thousand of) the test rows, with their accuracy for classes. */
  testLoss?: number;
  testAccuracy?: number;
}

export interface TrainerOptions {
  model: MLP;
  data: Dataset | Table;
  loss: LossName;
  optimizer: Optimizer;
  /** Examples per step; the whole set by default. */
  batchSize?: number;
  /** Weight of the L2 penalty on the parameters (0 by default). */
  l2?: number;
  /** Weight of the L1 penalty, Σ |p| over the parameters (0 by default): it drives small weights to 0. */
  l1?: number;
  /** Seeds the order of the mini-batches. */
  seed?: number;
  /**
   * `tape` records the graph once per batch size and replays it (mini-batches with the hinge,
   * mse and bce losses, full batches with any), `eager` builds it every step; `auto` (the default) takes
   * the tape whenever it can.
   */
  engine?: Engine;
}

export interface TrainOptions extends TrainerOptions {
  /** Optimizer steps to take (100 by default). */
  steps?: number;
  onStep?: (info: StepInfo) => void;
}

export function train(options: TrainOptions): StepInfo[] {
  const steps = checkPositiveInteger('steps', options.steps ?? 100);
  const trainer = new Trainer(options);
  const history: StepInfo[] = [];
  for (let step = 0; step < steps; step++) {
    const info = trainer.next();
    history.push(info);
    options.onStep?.(info);
  }
  return history;
}

/** Throws unless `alpha` can weigh the L2 penalty. */
export function checkL2(alpha: unknown): number {
  return checkNonNegative('l2', alpha);
}

/** Throws unless `alpha` can weigh the L1 penalty. */
export function checkL1(alpha: unknown): number {
  return checkNonNegative('l1', alpha);
}

/** One optimizer step at a time: the batches in a seeded order, a new order each epoch. */
export class Trainer {
  /** How the graph of each step is made. */
  readonly engine: 'tape' | 'eager';
  readonly batchSize: number;
  private readonly data: Table;
  private readonly loss: LossName;
  /** The weights of the L2 and L1 penalties. */
  private readonly alpha: number;
  private readonly beta: number;
  private readonly rows: number;
  private steps = 0;
  private firstLoss = NaN;
  /** The rows in this epoch's order, and where the next batch starts. */
  private readonly order: number[] = [];
  private position = 0;
  private epoch = 0;
  /** For full batches: the whole set as rows, and its recorded tape if any. */
  private everything?: Dataset;
  private fullTape?: Recording;
  /** For mini-batches on a tape: one recording per batch size (the last batch may be smaller). */
  private readonly batchTapes = new Map<number, ReplayableRecording>();

  constructor(private readonly options: TrainerOptions) {
    this.loss = checkChoice('loss', options.loss, LOSSES);
    this.data = tableOf(options.data);
    this.rows = rowCount(this.data);
    checkOutputs(options.model, this.data, this.loss);
    this.alpha = checkL2(options.l2 ?? 0);
    this.beta = checkL1(options.l1 ?? 0);
    const size = checkPositiveInteger('batch size', options.batchSize ?? this.rows);
    this.batchSize = Math.min(size, this.rows);
    checkStepSize(options.model, this.data, this.loss, this.batchSize);
    const engine = checkChoice('engine', options.engine ?? 'auto', ENGINES);
    const full = this.batchSize === this.rows;
    const replayable = full || REPLAYABLE_LOSSES.includes(this.loss);
    if (engine === 'tape' && !replayable) {
      throw new Error(
        `the tape replays one graph shape, and the ${this.loss} loss makes a different one for each mini-batch: ` +
          "use full batches, the hinge, mse or bce loss, or engine 'eager'",
      );
    }
    this.engine = engine !== 'eager' && replayable ? 'tape' : 'eager';
  }

  /** Takes one step and tells how it went; throws a DivergenceError when the loss runs away. */
  next(): StepInfo {
    const { optimizer } = this.options;
    const step = this.steps;
    let info: Measured;
    if (this.batchSize === this.rows) {
      this.everything ??= rowsOf(this.data, identity(this.rows));
      info =
        this.engine === 'tape' ? this.replayFull(this.everything) : this.eager(this.everything);
    } else {
      const indices = this.nextBatch();
      info =
        this.engine === 'tape' ? this.replayBatch(indices) : this.eager(rowsOf(this.data, indices));
    }
    optimizer.step();
    this.steps++;
    if (step === 0) this.firstLoss = info.loss;
    if (hasDiverged(info.loss, this.firstLoss))
      throw new DivergenceError(step, info.loss, this.firstLoss);
    return { ...info, step };
  }

  /** The rows of the next mini-batch, reshuffling at the start of each epoch. */
  private nextBatch(): number[] {
    if (this.position === 0 || this.position >= this.rows) {
      // The same order as shuffle(data, seed + epoch) gives, without copying the data.
      for (let i = 0; i < this.rows; i++) this.order[i] = i;
      new Random((this.options.seed ?? 0) + this.epoch++).shuffle(this.order);
      this.position = 0;
    }
    const batch = this.order.slice(this.position, this.position + this.batchSize);
    this.position += batch.length;
    return batch;
  }

  private eager(batch: Dataset): Measured {
    const outputs = batch.x.map((x) => this.options.model.forward(x));
    const total = this.objective(lossOf(this.loss, outputs, batch.y));
    this.options.optimizer.zeroGrad();
    total.backward();
    const scores = outputs.map((o) => o.map((v) => v.data));
    return { loss: total.data, accuracy: accuracyOf(this.loss, scores, batch.y, this.data) };
  }

  private replayFull(everything: Dataset): Measured {
    this.fullTape ??= this.record(everything);
    const { tape, outputs } = this.fullTape;
    return this.replay(tape, outputs, everything.y);
  }

  private replayBatch(indices: number[]): Measured {
    let recording = this.batchTapes.get(indices.length);
    if (!recording) {
      recording = this.recordReplayable(indices.length);
      this.batchTapes.set(indices.length, recording);
    }
    const { tape, inputs, labels, outputs } = recording;
    const y: number[] = [];
    indices.forEach((row, r) => {
      for (let k = 0; k < inputs[r].length; k++) inputs[r][k].data = this.data.columns[k][row];
      y.push(this.data.target[row]);
      labels[r].data = this.loss === 'hinge' ? hingeLabel(y[r]) : y[r];
    });
    return this.replay(tape, outputs, y);
  }

  private replay(tape: Tape, outputs: Value[][], y: readonly number[]): Measured {
    const loss = tape.forward();
    this.options.optimizer.zeroGrad();
    tape.backward();
    const scores = outputs.map((o) => o.map((v) => tape.read(v)));
    return { loss, accuracy: accuracyOf(this.loss, scores, y, this.data) };
  }

  /** The loss of a fixed batch, its inputs and labels as constants. */
  private record(batch: Dataset): Recording {
    const outputs = batch.x.map((x) => this.options.model.forward(x));
    return { tape: Tape.record(this.objective(lossOf(this.loss, outputs, batch.y))), outputs };
  }

  /** The loss of any batch of `size` rows: its inputs and labels are leaves, set before each replay. */
  private recordReplayable(size: number): ReplayableRecording {
    const { model } = this.options;
    const inputs = Array.from({ length: size }, () => Array.from({ length: model.nin }, leaf));
    const labels = Array.from({ length: size }, leaf);
    const outputs = inputs.map((x) => model.forward(x));
    const scores = outputs.map((o) => o[0]);
    // hinge(s, y) = hinge(y·s, 1) and mse(s, y) = mse(s - y, 0): the label moves into the score,
    // where a leaf can carry it, and the values stay the same to the last bit.
    const loss =
      this.loss === 'hinge'
        ? hinge(
            scores.map((s, r) => s.mul(labels[r])),
            labels.map(() => 1),
          )
        : this.loss === 'bce'
          ? bceWithoutBranch(scores, labels)
          : mse(
              scores.map((s, r) => s.sub(labels[r])),
              labels.map(() => 0),
            );
    return { tape: Tape.record(this.objective(loss)), inputs, labels, outputs };
  }

  /** The loss, plus the L2 and L1 penalties on the parameters that have a weight. */
  private objective(loss: Value): Value {
    const parameters = this.options.model.parameters();
    let total = loss;
    if (this.alpha) total = total.add(l2(parameters).mul(this.alpha));
    if (this.beta) total = total.add(l1(parameters).mul(this.beta));
    return total;
  }
}

/**
 * bceWithLogits with its labels as leaves, as one graph for every batch: per row
 * relu(s) - s·y + log(1 + e^-|s|), |s| being relu(s) + relu(-s), which is each of its two
 * branches on its own side of 0 (to rounding: the terms are added in another order).
 */
function bceWithoutBranch(scores: readonly Value[], labels: readonly Value[]): Value {
  const terms = scores.map((s, r) => {
    const magnitude = s.relu().add(s.neg().relu());
    return s.relu().sub(s.mul(labels[r])).add(magnitude.neg().exp().add(1).log());
  });
  return Value.sum(terms).div(terms.length);
}

/** A step's loss and accuracy, before it is numbered. */
type Measured = Omit<StepInfo, 'step'>;

interface Recording {
  tape: Tape;
  outputs: Value[][];
}

interface ReplayableRecording extends Recording {
  inputs: Value[][];
  labels: Value[];
}

function leaf(): Value {
  return new Value(0);
}

function identity(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The model's outputs for many rows: one tape recorded for `chunk` rows, replayed chunk by chunk. */
export class Predictor {
  private readonly inputs: Value[][];
  private readonly outputs: Value[][];
  private readonly tape: Tape;

  constructor(
    model: MLP,
    private readonly chunk = 256,
  ) {
    this.inputs = Array.from({ length: chunk }, () => Array.from({ length: model.nin }, leaf));
    this.outputs = this.inputs.map((x) => model.forward(x));
    this.tape = Tape.record(Value.sum(this.outputs.flat()));
  }

  /**
   * Calls `use(row, outputs)` for every row below `count`, with the model's weights as they are
   * then; `input(row, into)` writes the row's inputs into `into`.
   */
  each(
    count: number,
    input: (row: number, into: number[]) => void,
    use: (row: number, outputs: readonly number[]) => void,
  ): void {
    const point: number[] = [];
    const scores: number[] = [];
    for (let start = 0; start < count; start += this.chunk) {
      const end = Math.min(count, start + this.chunk);
      for (let row = start; row < end; row++) {
        input(row, point);
        const leaves = this.inputs[row - start];
        for (let k = 0; k < leaves.length; k++) leaves[k].data = point[k];
      }
      // Rows past `end` keep the previous chunk's inputs: their outputs are computed and unread.
      this.tape.forward();
      for (let row = start; row < end; row++) {
        const outputs = this.outputs[row - start];
        scores.length = outputs.length;
        for (let k = 0; k < outputs.length; k++) scores[k] = this.tape.read(outputs[k]);
        use(row, scores);
      }
    }
  }

  /** Every row of a table, as `each` gives them. */
  eachRow(table: Table, use: (row: number, outputs: readonly number[]) => void): void {
    this.each(rowCount(table), (row, into) => rowOf(table, row, into), use);
  }
}

/** The class the loss's outputs predict: the sign of a score, or the largest logit. */
export function predictedClass(loss: LossName, output: readonly number[]): number {
  if (loss === 'crossentropy') {
    let best = 0;
    for (let k = 1; k < output.length; k++) if (output[k] > output[best]) best = k;
    return best;
  }
  return output[0] > (loss === 'mse' ? 0.5 : 0) ? 1 : 0;
}

/** The fraction of a classification set the model gets right (undefined for regression). */
export function accuracy(model: MLP, data: Dataset | Table, loss: LossName): number | undefined {
  const table = tableOf(data);
  if (table.classes === undefined) return undefined;
  let right = 0;
  new Predictor(model).eachRow(table, (row, outputs) => {
    if (predictedClass(loss, outputs) === table.target[row]) right++;
  });
  return right / rowCount(table);
}

function accuracyOf(
  loss: LossName,
  scores: readonly number[][],
  y: readonly number[],
  data: Table,
): number | undefined {
  if (data.classes === undefined) return undefined;
  const right = scores.filter((s, i) => predictedClass(loss, s) === y[i]).length;
  return right / scores.length;
}

/** Throws when a step over `batchSize` rows would build a graph too large for memory. */
function checkStepSize(model: MLP, data: Table, loss: LossName, batchSize: number): void {
  // A few thousand rows always fit; past them, one row's graph is measured (most of a step's is per row).
  if (batchSize <= 1000) return;
  const row = rowsOf(data, [0]);
  const graph = lossOf(loss, [model.forward(row.x[0])], row.y).topologicalOrder().length;
  const perRow = Math.max(1, graph - model.parameters().length); // the parameters are shared
  if (perRow * batchSize <= MAX_STEP_VALUES) return;
  const fits = Math.floor(MAX_STEP_VALUES / perRow);
  throw new RangeError(
    `a batch of ${batchSize.toLocaleString('en-US')} rows makes a graph of about ` +
      `${((perRow * batchSize) / 1e6).toFixed(0)} million values, more than memory holds ` +
      `(${MAX_STEP_VALUES / 1e6} million): use batches of at most ${fits.toLocaleString('en-US')} rows`,
  );
}

function checkOutputs(model: MLP, data: Table, loss: LossName): void {
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
  if (rowCount(data) === 0) throw new Error('the data set is empty');
  if (data.columns.length !== model.nin) {
    throw new Error(
      `the model takes ${model.nin} inputs, but the data has rows of ${data.columns.length}`,
    );
  }
}
