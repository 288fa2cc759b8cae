/**
 * One training job, from data to a trained model: the task and classes the target asks for, the
 * model and optimizer, the batches and the loop. The `train` command, the playground and scripts
 * all train through it, so the same rules hold everywhere; writing the results to a folder is
 * run.ts's part (Node only), and this part runs in a browser too.
 */
import { Value } from '../engine';
import type { Dataset } from '../data/datasets';
import { rowCount, rowOf, tableOf, type Table } from '../data/table';
import { ACTIVATIONS, INITS, MLP, checkChoice, type Activation, type Init } from '../nn';
import { Adam, SGD, checkLearningRate, type LearningRate, type Optimizer } from '../optim';
import type { TrainedFor } from '../serialize';
import { detectAnomaly } from '../anomaly';
import {
  ENGINES,
  LOSSES,
  Predictor,
  Trainer,
  checkL2,
  lossOf,
  predictedClass,
  type Engine,
  type LossName,
  type StepInfo,
} from './loop';
import { TASKS, decideTask, encodeClasses, type Task, type TaskChoice } from './task';

export const OPTIMIZERS = ['sgd', 'adam'] as const;

export interface JobSettings {
  /** `auto` (the default): classes for whole-number labels, regression for other targets. */
  task?: TaskChoice;
  hidden?: readonly number[];
  activation?: Activation;
  init?: Init;
  /** By default hinge for two classes, crossentropy for more, mse for regression. */
  loss?: LossName;
  optimizer?: (typeof OPTIMIZERS)[number];
  /** By default micrograd's 1 - 0.9·step/steps for sgd on classes, 0.01 for adam or mse. */
  lr?: number;
  momentum?: number;
  l2?: number;
  /** Optimizer steps, or else passes over the data (`epochs`); 100 steps by default. */
  steps?: number;
  epochs?: number;
  /** Rows per step: all of them up to FULL_BATCH_ROWS, DEFAULT_BATCH_SIZE above, unless given. */
  batchSize?: number | 'full';
  seed?: number;
  engine?: Engine;
  /** Stop at the first operation or gradient that is NaN or infinite, naming it (eager engine). */
  detectAnomaly?: boolean;
}

export const JOB_DEFAULTS = {
  task: 'auto',
  hidden: [16, 16],
  activation: 'relu',
  init: 'uniform',
  optimizer: 'sgd',
  l2: 1e-4,
  steps: 100,
  seed: 1337,
  engine: 'auto',
} as const satisfies JobSettings;

/** Up to this many rows, a step trains on all of them; above, on mini-batches. */
export const FULL_BATCH_ROWS = 1000;
export const DEFAULT_BATCH_SIZE = 32;
/** How long the loop runs between giving way to the event loop (for signals and the page). */
const YIELD_EVERY_MS = 50;

export class TrainingJob {
  readonly task: Task;
  /** The data, its targets as class indices for classification. */
  readonly data: Table;
  readonly loss: LossName;
  readonly model: MLP;
  readonly optimizer: Optimizer;
  readonly steps: number;
  readonly batchSize: number;
  readonly history: StepInfo[] = [];
  private readonly settings: JobSettings;
  private readonly trainer: Trainer;
  private predictor?: Predictor;

  /** Checks what can be checked before any data is read, so that a bad setting fails at once. */
  static checkSettings(settings: JobSettings): void {
    checkChoice('task', settings.task ?? JOB_DEFAULTS.task, TASKS);
    if (settings.loss !== undefined) checkChoice('loss', settings.loss, LOSSES);
    checkChoice('optimizer', settings.optimizer ?? JOB_DEFAULTS.optimizer, OPTIMIZERS);
    checkChoice('activation', settings.activation ?? JOB_DEFAULTS.activation, ACTIVATIONS);
    checkChoice('init', settings.init ?? JOB_DEFAULTS.init, INITS);
    checkChoice('engine', settings.engine ?? JOB_DEFAULTS.engine, ENGINES);
    if (settings.lr !== undefined) checkLearningRate(settings.lr);
    checkL2(settings.l2 ?? JOB_DEFAULTS.l2);
    if (settings.steps !== undefined && settings.epochs !== undefined) {
      throw new Error(
        `give steps or epochs, not both: steps ${settings.steps} and epochs ${settings.epochs} disagree`,
      );
    }
    for (const [name, n] of [
      ['steps', settings.steps],
      ['epochs', settings.epochs],
      ['batch size', settings.batchSize === 'full' ? undefined : settings.batchSize],
    ] as const) {
      if (n !== undefined && !(Number.isInteger(n) && n >= 1))
        throw new RangeError(`${name} must be a positive whole number, got ${n}`);
    }
  }

  constructor(data: Dataset | Table, settings: JobSettings = {}) {
    TrainingJob.checkSettings(settings);
    this.settings = settings;
    const table = tableOf(data);
    this.task = decideTask(table, settings.task);
    this.data = encodeClasses(table, this.task);
    const classes = this.data.classes;
    this.loss =
      settings.loss ?? (classes === undefined ? 'mse' : classes > 2 ? 'crossentropy' : 'hinge');
    if (classes === undefined && this.loss !== 'mse') {
      throw new Error(
        `the ${this.loss} loss is for classes, but the task is regression (${this.task.reason})`,
      );
    }
    const rows = rowCount(this.data);
    const { batchSize } = settings;
    this.batchSize =
      batchSize === 'full' || (batchSize === undefined && rows <= FULL_BATCH_ROWS)
        ? rows
        : Math.min(rows, batchSize ?? DEFAULT_BATCH_SIZE);
    this.steps =
      settings.epochs !== undefined
        ? settings.epochs * Math.ceil(rows / this.batchSize)
        : (settings.steps ?? JOB_DEFAULTS.steps);
    const seed = settings.seed ?? JOB_DEFAULTS.seed;
    const outputs = this.loss === 'crossentropy' ? (classes ?? 2) : 1;
    this.model = new MLP(
      this.data.columns.length,
      [...(settings.hidden ?? JOB_DEFAULTS.hidden), outputs],
      {
        activation: settings.activation ?? JOB_DEFAULTS.activation,
        init: settings.init ?? JOB_DEFAULTS.init,
        seed,
      },
    );
    // micrograd's falling rate suits its hinge loss; squared errors on unscaled targets need a small one.
    const optimizer = settings.optimizer ?? JOB_DEFAULTS.optimizer;
    const lr: LearningRate =
      settings.lr ??
      (optimizer === 'adam' || this.loss === 'mse'
        ? 0.01
        : (step: number) => 1.0 - (0.9 * step) / this.steps);
    this.optimizer =
      optimizer === 'adam'
        ? new Adam(this.model.parameters(), { lr })
        : new SGD(this.model.parameters(), { lr, momentum: settings.momentum });
    this.trainer = new Trainer({
      model: this.model,
      data: this.data,
      loss: this.loss,
      optimizer: this.optimizer,
      batchSize: this.batchSize,
      l2: settings.l2 ?? JOB_DEFAULTS.l2,
      seed,
      // The anomaly check wraps the Value operations, which a tape's replay does not call.
      engine: settings.detectAnomaly ? 'eager' : (settings.engine ?? JOB_DEFAULTS.engine),
    });
  }

  /** How each step's graph is made: recorded once and replayed, or built anew. */
  get engine(): 'tape' | 'eager' {
    return this.trainer.engine;
  }

  /** One optimizer step; throws a DivergenceError when the loss runs away. */
  step(): StepInfo {
    const next = () => this.trainer.next();
    const info = this.settings.detectAnomaly ? detectAnomaly(next) : next();
    this.history.push(info);
    return info;
  }

  /**
   * Takes the job's remaining steps, giving way to the event loop every few milliseconds, so
   * that a signal can abort it between two steps.
   */
  async run({
    signal,
    onStep,
  }: { signal?: AbortSignal; onStep?: (info: StepInfo) => void } = {}): Promise<StepInfo[]> {
    let resumed = Date.now();
    while (this.history.length < this.steps) {
      signal?.throwIfAborted();
      const info = this.step();
      onStep?.(info);
      if (Date.now() - resumed > YIELD_EVERY_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        resumed = Date.now();
      }
    }
    signal?.throwIfAborted();
    return this.history;
  }

  /** The model's outputs for every row of the data, in order. */
  eachOutput(use: (row: number, outputs: readonly number[]) => void): void {
    this.predictor ??= new Predictor(this.model);
    this.predictor.eachRow(this.data, use);
  }

  /** The predicted class of each point. */
  classify(points: readonly (readonly number[])[]): number[] {
    this.predictor ??= new Predictor(this.model);
    const classes: number[] = [];
    this.predictor.each(
      points.length,
      (i, into) => points[i].forEach((v, k) => (into[k] = v)),
      (i, outputs) => (classes[i] = predictedClass(this.loss, outputs)),
    );
    return classes;
  }

  /**
   * Over all the data: the accuracy (for classification), and the row the model gets most wrong,
   * the one with the largest loss.
   */
  evaluate(): { accuracy?: number; worst: number } {
    const { target, classes } = this.data;
    let right = 0;
    let worst = 0;
    let worstLoss = -Infinity;
    this.eachOutput((row, outputs) => {
      if (classes !== undefined && predictedClass(this.loss, outputs) === target[row]) right++;
      const loss = rowLossValue(this.loss, outputs, target[row]);
      if (loss > worstLoss) [worst, worstLoss] = [row, loss];
    });
    const accuracy = classes === undefined ? undefined : right / rowCount(this.data);
    return { accuracy, worst };
  }

  /**
   * The loss of one row, backpropagated (the parameters' gradients are this loss's alone), with
   * inputs named after the data's columns: the graph to draw.
   */
  rowLoss(row: number): Value {
    if (!(Number.isInteger(row) && row >= 0 && row < rowCount(this.data)))
      throw new Error(`no point ${row}`);
    const inputs = rowOf(this.data, row).map(
      (v, k) => new Value(v, this.data.names?.columns[k] ?? `x${k + 1}`),
    );
    const loss = lossOf(this.loss, [this.model.forward(inputs)], [this.data.target[row]]);
    loss.label = `loss of point ${row}`;
    this.model.zeroGrad();
    loss.backward();
    return loss;
  }

  /** What model.json records beside the weights: the task, the classes' labels, the loss. */
  trainedFor(): TrainedFor {
    return { task: this.task.kind, labels: this.task.labels, loss: this.loss };
  }
}

/**
 * One row's loss as a number, as lossOf computes it, without building a graph: evaluating a
 * million rows this way takes no garbage collection.
 */
function rowLossValue(loss: LossName, outputs: readonly number[], target: number): number {
  const s = outputs[0];
  switch (loss) {
    case 'hinge':
      return Math.max(0, 1 - (target === 1 ? 1 : target === 0 ? -1 : target) * s);
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
