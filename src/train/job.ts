/**
 * One training job, from data to a trained model: the task and classes the target asks for, the
 * model and optimizer, the batches and the loop. The `train` command, the playground and scripts
 * all train through it, so the same rules hold everywhere; writing the results to a folder is
 * node-job.ts's part (Node only), and this part runs in a browser too.
 */
import { Value } from '../engine';
import type { Dataset } from '../data/datasets';
import { rowCount, rowOf, subset, tableOf, type Table } from '../data/table';
import { checkChoice, checkPositiveInteger } from '../checks';
import { LOSSES, exampleLoss, lossOf, type LossName } from '../losses';
import { ACTIVATIONS, INITS, MLP, type Activation, type Init } from '../nn';
import { Adam, SGD, checkLearningRate, type LearningRate, type Optimizer } from '../optim';
import {
  modelFromJson,
  modelToJson,
  type Standardization,
  type TrainedFor,
} from '../io/model-json';
import { Random } from '../random';
import { detectAnomaly } from '../anomaly';
import {
  ENGINES,
  Predictor,
  Trainer,
  checkL1,
  checkL2,
  predictedClass,
  type Engine,
  type StepInfo,
} from './loop';
import { TASKS, decideTask, encodeClasses, type Task, type TaskChoice } from './task';

export const OPTIMIZERS = ['sgd', 'adam'] as const;
export const TWO_CLASS_LOSSES = ['hinge', 'bce'] as const;

export interface JobSettings {
  /** `auto` (the default): classes for whole-number labels, regression for other targets. */
  task?: TaskChoice;
  hidden?: readonly number[];
  activation?: Activation;
  init?: Init;
  /** By default hinge for two classes, crossentropy for more, mse for regression. */
  loss?: LossName;
  /** The loss for two classes when none is given: micrograd's hinge, or bce, whose sigmoid is a probability. */
  twoClassLoss?: (typeof TWO_CLASS_LOSSES)[number];
  optimizer?: (typeof OPTIMIZERS)[number];
  /** By default micrograd's 1 - 0.9·step/steps for sgd on classes, 0.01 for adam or mse. */
  lr?: number;
  momentum?: number;
  l2?: number;
  /** Weight of the L1 penalty on the parameters (0, none, by default). */
  l1?: number;
  /** Optimizer steps, or else passes over the data (`epochs`); 100 steps by default. */
  steps?: number;
  epochs?: number;
  /** Rows per step: all of them up to FULL_BATCH_ROWS, DEFAULT_BATCH_SIZE above, unless given. */
  batchSize?: number | 'full';
  seed?: number;
  engine?: Engine;
  /** Stop at the first operation or gradient that is NaN or infinite, naming it (eager engine). */
  detectAnomaly?: boolean;
  /**
   * Train on the inputs (and a regression target) less their mean, over their standard
   * deviation, both from the rows trained on; the saved model takes the data's own units.
   */
  standardize?: boolean;
  /** The share of rows held out to test on, chosen by the seed (none by default). */
  testShare?: number;
  /**
   * Early stopping: a share of the training rows is held out, their loss measured every few
   * steps (every 10, or each epoch, or each twentieth of the run if sooner), and training
   * stops once it has not improved for this many measures, keeping the weights of the best.
   */
  patience?: number;
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

/**
 * What a CSV file is trained with unless asked otherwise: real columns come in any units (a
 * flower's petal in centimetres, a penguin's mass in grams), where micrograd's uniform weights
 * and falling SGD rate, tuned for the moons, do not learn. The generated sets keep micrograd's.
 */
export const CSV_DEFAULTS = {
  optimizer: 'adam',
  // Predictions of a class come with its probability: bce's sigmoid, crossentropy's softmax.
  twoClassLoss: 'bce',
  // A penalty a hundred times micrograd's: on a hundred-odd rows, a network of a few hundred
  // weights otherwise fits the training rows' noise (Iris's test rows: 90.0% right, rather than 96.7%).
  l2: 0.01,
  standardize: true,
  testShare: 0.2,
  steps: 2000,
  patience: 20,
} as const satisfies JobSettings;

/** The settings with CSV_DEFAULTS for those not given (He initialisation for ReLU, else Xavier). */
export function withCsvDefaults<S extends JobSettings>(settings: S): S {
  const given = Object.fromEntries(
    Object.entries(settings).filter(([, value]) => value !== undefined),
  ) as S;
  const activation = settings.activation ?? JOB_DEFAULTS.activation;
  const { steps, ...defaults } = CSV_DEFAULTS;
  return {
    ...defaults,
    init: activation === 'relu' ? 'he' : 'xavier',
    ...(settings.epochs === undefined ? { steps } : {}),
    ...given,
  };
}

/** Of the rows trained on, the share held out for early stopping, and the most of them. */
export const VALIDATION_SHARE = 0.2;
export const MAX_VALIDATION_ROWS = 1000;
/** The most test rows whose loss is measured for the chart while training (all at the end). */
export const MAX_CHART_TEST_ROWS = 1000;

/** Up to this many rows, a step trains on all of them; above, on mini-batches. */
export const FULL_BATCH_ROWS = 1000;
export const DEFAULT_BATCH_SIZE = 32;
/** How long the loop runs between giving way to the event loop (for signals and the page). */
const YIELD_EVERY_MS = 50;

export class TrainingJob {
  readonly task: Task;
  /** The data, its targets as class indices for classification. */
  readonly data: Table;
  /** The rows of `data` trained on, held out for early stopping, and held out to test on. */
  readonly rows: { train: number[]; validation: number[]; test: number[] };
  /** The means and scales the model's inputs (and regression target) are standardised by. */
  readonly standardization?: Standardization;
  /** When early stopping ended training: the step it stopped at and the best step, whose weights are kept. */
  stoppedEarly?: { step: number; best: number };
  /** With early stopping, once training is done: the step whose weights the model has. */
  keptStep?: number;
  readonly loss: LossName;
  readonly model: MLP;
  readonly optimizer: Optimizer;
  readonly steps: number;
  readonly batchSize: number;
  readonly history: StepInfo[] = [];
  private readonly settings: JobSettings;
  private readonly trainer: Trainer;
  private predictor?: Predictor;
  /** The data as the model sees it: standardised when asked for. */
  private readonly scaled: Table;
  /** Early stopping's best validation loss so far, the step and the weights. */
  private best?: { loss: number; step: number; weights: number[] };
  private readonly checkEvery: number;

  /** Checks what can be checked before any data is read, so that a bad setting fails at once. */
  static checkSettings(settings: JobSettings): void {
    checkChoice('task', settings.task ?? JOB_DEFAULTS.task, TASKS);
    if (settings.loss !== undefined) checkChoice('loss', settings.loss, LOSSES);
    if (settings.twoClassLoss !== undefined)
      checkChoice('two-class loss', settings.twoClassLoss, TWO_CLASS_LOSSES);
    checkChoice('optimizer', settings.optimizer ?? JOB_DEFAULTS.optimizer, OPTIMIZERS);
    checkChoice('activation', settings.activation ?? JOB_DEFAULTS.activation, ACTIVATIONS);
    checkChoice('init', settings.init ?? JOB_DEFAULTS.init, INITS);
    checkChoice('engine', settings.engine ?? JOB_DEFAULTS.engine, ENGINES);
    if (settings.lr !== undefined) checkLearningRate(settings.lr);
    const share = settings.testShare;
    if (share !== undefined && !(typeof share === 'number' && share >= 0 && share <= 0.9))
      throw new RangeError(`the test share must be a number from 0 to 0.9, got ${share}`);
    if (settings.patience !== undefined) checkPositiveInteger('patience', settings.patience);
    checkL2(settings.l2 ?? JOB_DEFAULTS.l2);
    checkL1(settings.l1 ?? 0);
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
      if (n !== undefined) checkPositiveInteger(name, n);
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
      settings.loss ??
      (classes === undefined
        ? 'mse'
        : classes > 2
          ? 'crossentropy'
          : (settings.twoClassLoss ?? 'hinge'));
    if (classes === undefined && this.loss !== 'mse') {
      throw new Error(
        `the ${this.loss} loss is for classes, but the task is regression (${this.task.reason})`,
      );
    }
    const seed = settings.seed ?? JOB_DEFAULTS.seed;
    this.rows = partition(rowCount(this.data), settings, seed);
    this.standardization = settings.standardize
      ? standardizationOf(this.data, this.rows.train, this.task.kind === 'regression')
      : undefined;
    this.scaled = this.standardization ? standardized(this.data, this.standardization) : this.data;
    const rows = this.rows.train.length;
    const { batchSize } = settings;
    this.batchSize =
      batchSize === 'full' || (batchSize === undefined && rows <= FULL_BATCH_ROWS)
        ? rows
        : Math.min(rows, batchSize ?? DEFAULT_BATCH_SIZE);
    const epoch = Math.ceil(rows / this.batchSize);
    this.steps =
      settings.epochs !== undefined
        ? settings.epochs * epoch
        : (settings.steps ?? JOB_DEFAULTS.steps);
    // Held-out losses about twenty times a run (each epoch, if more often), at least ten steps apart.
    this.checkEvery = Math.max(10, Math.min(epoch, Math.ceil(this.steps / 20)));
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
      data: subset(this.scaled, this.rows.train),
      loss: this.loss,
      optimizer: this.optimizer,
      batchSize: this.batchSize,
      l2: settings.l2 ?? JOB_DEFAULTS.l2,
      l1: settings.l1,
      seed,
      // The anomaly check wraps the Value operations, which a tape's replay does not call.
      engine: settings.detectAnomaly ? 'eager' : (settings.engine ?? JOB_DEFAULTS.engine),
    });
  }

  /** How each step's graph is made: recorded once and replayed, or built anew. */
  get engine(): 'tape' | 'eager' {
    return this.trainer.engine;
  }

  /**
   * One optimizer step; throws a DivergenceError when the loss runs away. Every few steps it
   * also measures the held-out losses: the validation rows' for early stopping, the test rows'
   * for the chart.
   */
  step(): StepInfo {
    const next = () => this.trainer.next();
    const info = this.settings.detectAnomaly ? detectAnomaly(next) : next();
    const steps = this.history.length + 1;
    if (steps % this.checkEvery === 0 || steps === this.steps) this.checkHeldOut(info);
    this.history.push(info);
    return info;
  }

  /** Whether training is over: all its steps taken, or stopped early. */
  get done(): boolean {
    return this.history.length >= this.steps || this.stoppedEarly !== undefined;
  }

  private checkHeldOut(info: StepInfo): void {
    const { validation, test } = this.rows;
    if (test.length > 0) {
      const figures = this.measure(test.slice(0, MAX_CHART_TEST_ROWS));
      info.testLoss = figures.loss;
      info.testAccuracy = figures.accuracy;
    }
    if (validation.length === 0) return;
    const loss = this.measure(validation).loss;
    info.validationLoss = loss;
    const weights = () => this.model.parameters().map((p) => p.data);
    if (this.best === undefined || loss < this.best.loss)
      this.best = { loss, step: info.step, weights: weights() };
    const last = info.step + 1 === this.steps;
    if (info.step - this.best.step >= this.settings.patience! * this.checkEvery || last) {
      // The best step's weights: later ones fit the training rows better and others worse.
      this.model.parameters().forEach((p, i) => (p.data = this.best!.weights[i]));
      this.keptStep = this.best.step + 1;
      if (!last) this.stoppedEarly = { step: info.step + 1, best: this.best.step + 1 };
    }
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
    while (!this.done) {
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
    this.predictor.eachRow(this.scaled, use);
  }

  /** The predicted class of each point, given in the data's units. */
  classify(points: readonly (readonly number[])[]): number[] {
    this.predictor ??= new Predictor(this.model);
    const { mean, scale } = this.standardization ?? {};
    const classes: number[] = [];
    this.predictor.each(
      points.length,
      (i, into) =>
        points[i].forEach((v, k) => (into[k] = mean && scale ? (v - mean[k]) / scale[k] : v)),
      (i, outputs) => (classes[i] = predictedClass(this.loss, outputs)),
    );
    return classes;
  }

  /**
   * Over the rows trained on: the accuracy (for classification), and the row the model gets
   * most wrong, the one with the largest loss.
   */
  evaluate(): { accuracy?: number; worst: number } {
    const { accuracy, worst } = this.measure(this.rows.train);
    return { accuracy, worst };
  }

  /**
   * On the test rows: the mean loss (in the units trained on), the accuracy for classes, and
   * for regression R² and the mean absolute error in the target's units. Undefined without a
   * test share.
   */
  test(): HeldOutFigures | undefined {
    return this.rows.test.length > 0 ? this.measure(this.rows.test) : undefined;
  }

  /** The figures of some rows, and the worst of them. */
  private measure(rows: readonly number[]): HeldOutFigures & { worst: number } {
    this.predictor ??= new Predictor(this.model);
    const { target, classes } = this.scaled;
    const { targetMean = 0, targetScale = 1 } = this.standardization ?? {};
    let right = 0;
    let total = 0;
    let worst = rows[0];
    let worstLoss = -Infinity;
    let absolute = 0;
    let squares = 0;
    let mean = 0;
    rows.forEach((row) => (mean += this.data.target[row] / rows.length));
    let spread = 0;
    this.predictor.each(
      rows.length,
      (i, into) => rowOf(this.scaled, rows[i], into),
      (i, outputs) => {
        const row = rows[i];
        if (classes !== undefined && predictedClass(this.loss, outputs) === target[row]) right++;
        const loss = exampleLoss(this.loss, outputs, target[row]);
        total += loss;
        if (loss > worstLoss) [worst, worstLoss] = [row, loss];
        if (classes === undefined) {
          const actual = this.data.target[row];
          const error = outputs[0] * targetScale + targetMean - actual;
          absolute += Math.abs(error);
          squares += error * error;
          spread += (actual - mean) ** 2;
        }
      },
    );
    const n = rows.length;
    if (classes !== undefined) return { rows: n, loss: total / n, accuracy: right / n, worst };
    return { rows: n, loss: total / n, r2: 1 - squares / spread, mae: absolute / n, worst };
  }

  /**
   * The loss of one row, backpropagated (the parameters' gradients are this loss's alone), with
   * inputs named after the data's columns: the graph to draw.
   */
  rowLoss(row: number): Value {
    if (!(Number.isInteger(row) && row >= 0 && row < rowCount(this.data)))
      throw new Error(`no point ${row}`);
    const inputs = rowOf(this.scaled, row).map(
      (v, k) => new Value(v, this.data.names?.columns[k] ?? `x${k + 1}`),
    );
    const loss = lossOf(this.loss, [this.model.forward(inputs)], [this.scaled.target[row]]);
    loss.label = `loss of point ${row}`;
    this.model.zeroGrad();
    loss.backward();
    return loss;
  }

  /**
   * What model.json records beside the weights: the task, the classes' labels, the loss, and
   * for a CSV the columns it reads and how they were standardised.
   */
  trainedFor(): TrainedFor {
    const { schema } = this.data;
    return {
      task: this.task.kind,
      labels: this.task.labels,
      loss: this.loss,
      ...(schema ? { columns: schema.inputs, target: schema.target } : {}),
      ...(this.standardization ? { standardization: this.standardization } : {}),
    };
  }

  /**
   * The model as it is saved: taking the data's own units, its standardisation folded into the
   * first layer's weights and biases (and a regression target's into the last layer's), so that
   * model.json, model.onnx and anything loading them give its predictions without a step of
   * their own.
   */
  savedModel(): MLP {
    const model = modelFromJson(modelToJson(this.model));
    const s = this.standardization;
    if (s === undefined) return model;
    for (const neuron of model.layers[0].neurons) {
      neuron.w.forEach((w, k) => {
        w.data /= s.scale[k];
        neuron.b.data -= w.data * s.mean[k];
      });
    }
    if (s.targetMean !== undefined && s.targetScale !== undefined) {
      for (const neuron of model.layers[model.layers.length - 1].neurons) {
        for (const w of neuron.w) w.data *= s.targetScale;
        neuron.b.data = neuron.b.data * s.targetScale + s.targetMean;
      }
    }
    return model;
  }
}

/** Figures of held-out rows. */
export interface HeldOutFigures {
  rows: number;
  /** The mean loss, in the units trained on. */
  loss: number;
  accuracy?: number;
  /** For regression: the coefficient of determination, and the mean absolute error. */
  r2?: number;
  mae?: number;
}

/** The rows to train on, to stop early by and to test on, chosen by the seed. */
function partition(
  count: number,
  settings: JobSettings,
  seed: number,
): { train: number[]; validation: number[]; test: number[] } {
  const all = Array.from({ length: count }, (_, i) => i);
  const share = settings.testShare ?? 0;
  if (share === 0 && settings.patience === undefined)
    return { train: all, validation: [], test: [] };
  const order = new Random(seed).shuffle(all);
  const tests = Math.round(count * share);
  const rest = count - tests;
  const validations =
    settings.patience === undefined
      ? 0
      : Math.max(1, Math.min(MAX_VALIDATION_ROWS, Math.round(rest * VALIDATION_SHARE)));
  if (rest - validations < 1) {
    throw new Error(
      `${count} rows leave none to train on after the test share${validations ? ' and the rows for early stopping' : ''}`,
    );
  }
  return {
    test: order.slice(0, tests),
    validation: order.slice(tests, tests + validations),
    train: order.slice(tests + validations),
  };
}

/** Each input's mean and scale (its standard deviation, or 1 when constant) over `rows`. */
function standardizationOf(data: Table, rows: readonly number[], target: boolean): Standardization {
  const measure = (column: ArrayLike<number>) => {
    let mean = 0;
    for (const row of rows) mean += column[row] / rows.length;
    let variance = 0;
    for (const row of rows) variance += (column[row] - mean) ** 2 / rows.length;
    return { mean, scale: variance > 0 ? Math.sqrt(variance) : 1 };
  };
  const inputs = data.columns.map(measure);
  const standardization: Standardization = {
    mean: inputs.map((m) => m.mean),
    scale: inputs.map((m) => m.scale),
  };
  if (!target) return standardization;
  const { mean, scale } = measure(data.target);
  return { ...standardization, targetMean: mean, targetScale: scale };
}

function standardized(data: Table, s: Standardization): Table {
  const columns = data.columns.map((column, k) => column.map((v) => (v - s.mean[k]) / s.scale[k]));
  const { targetMean, targetScale } = s;
  const target =
    targetMean !== undefined && targetScale !== undefined
      ? data.target.map((v) => (v - targetMean) / targetScale)
      : data.target;
  return { ...data, columns, target };
}
