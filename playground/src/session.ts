/**
 * A training session: the library's training job, stepped on demand, and what the page draws of
 * it. It runs in the playground's Web Worker (and in jest), using gradscript exactly as a script
 * would.
 */
import {
  DivergenceError,
  TrainingJob,
  Value,
  circles,
  collectNeurons,
  drawDot,
  gaussian,
  lossOf,
  modelToJson,
  moons,
  multigauss,
  plane,
  predictedClass,
  rangeOf,
  spiral,
  split,
  xor,
  yinyang,
  type Dataset,
  type GeneratorOptions,
  type ModelJson,
  type MLP,
} from '../../src/browser';
import { FEATURE_LABELS, checked, classesOf, featuresOf, type Config } from './config';
import { GRID, NEURON_GRID } from './grid';
import { NumericMLP, writeShares } from './numeric';

export { GRID, NEURON_GRID };

export type Engine = 'tape' | 'eager';

/** The library's generator of each data set the playground generates. */
const GENERATORS: Record<
  Exclude<Config['dataset'], 'yours'>,
  (n: number, options: GeneratorOptions) => Dataset
> = { moons, circles, xor, gaussian, spiral, yinyang, plane, multigauss };

export interface Snapshot {
  step: number;
  /** Passes over the training points completed: a step trains on a batch of them. */
  epoch: number;
  /** The last step's loss, over its batch of training points; before the first step, over all of them. */
  loss: number;
  /** Over all the training points; NaN for regression. */
  accuracy: number;
  /** Over the test points, as training measures its loss; NaN when there are none. */
  testLoss: number;
  testAccuracy: number;
  /** The classes; undefined for regression, a number to predict. */
  classes?: number;
  /**
   * How sure the model is of each class in each grid cell (shares summing to 1), cell by cell,
   * row by row from the top-left: GRID × GRID × classes. For regression, the number predicted
   * in each cell: GRID × GRID.
   */
  grid: Float32Array;
  bounds: { x0: number; x1: number; y0: number; y1: number };
  /**
   * The activation of every hidden neuron, layer by layer, at every other grid cell, neuron by
   * neuron, each in the grid's order: hidden neurons × NEURON_GRID × NEURON_GRID.
   */
  activations: Float32Array;
  /** Each layer's weights, hidden layers then the output: [layer][neuron][input]. */
  weights: number[][][];
  /** A weight was set by hand: the program the page shows trains without that. */
  edited: boolean;
  /** Why training stopped: the loss ran away (the library's rule, `hasDiverged`). */
  diverged?: string;
  /** The loss swung up well above the lowest it had reached: the learning rate may be too large. */
  swing?: string;
}

/** A point's graph, drawn as DOT, and what it is a graph of. */
export interface Trace {
  dot: string;
  /** The point's loss; or its score, when the loss passes no gradient back. */
  of: 'loss' | 'score';
  /** Why its score is drawn and not its loss. */
  note?: string;
  /** The steps the model had taken: once it takes more, the trace is out of date. */
  step: number;
}

/**
 * The points generated for the settings, split as the program splits them: with gradscript's
 * `split`, seeded by the settings' seed, the test share held out; all trained on when it is 0.
 */
export function splitFor(config: Config, own?: Dataset): { train: Dataset; test: Dataset } {
  const data =
    config.dataset === 'yours'
      ? own!
      : GENERATORS[config.dataset](config.samples, { noise: config.noise, seed: config.seed });
  if (config.testShare === 0) return { train: data, test: { x: [], y: [], classes: data.classes } };
  const { train, test } = split(data, { test: config.testShare, seed: config.seed });
  return { train, test };
}

/** The loss over the data, the model's outputs as numbers: no graph through the model. */
function lossOn(model: NumericMLP, loss: Config['loss'], data: Dataset): number {
  const outputs = data.x.map((x) => model.forward(x).map((z) => new Value(z)));
  return lossOf(loss, outputs, data.y).data;
}

/** The share of the data the model puts in its class. */
function accuracyOn(model: NumericMLP, loss: Config['loss'], data: Dataset): number {
  let right = 0;
  data.x.forEach((x, row) => {
    if (predictedClass(loss, model.forward(x)) === data.y[row]) right++;
  });
  return right / data.x.length;
}

export class Session {
  readonly config: Config;
  /** The points trained on, in the training job's order: a trace's index is into these. */
  readonly train: Dataset;
  /** The points held out, never trained on. */
  readonly test: Dataset;
  /** The network's inputs at a point: its coordinates, or what the settings compute from them. */
  readonly inputsAt: (point: readonly number[]) => number[];
  /** The training and test points as the network sees them: their inputs. */
  private readonly inputs: { train: Dataset; test: Dataset };
  readonly model: MLP;
  /** How many classes; undefined for regression. */
  readonly classes?: number;
  readonly bounds: Snapshot['bounds'];
  private readonly job: TrainingJob;
  /** The untrained model's loss on the training points: the loss shown before the first step. */
  private readonly initialLoss: number;
  private diverged?: string;
  /** The lowest step loss so far and its step, and the last swing up from it. */
  private lowest = { loss: Infinity, step: 0 };
  private swing?: string;
  private edited = false;

  /** `own`: the points of the data set `yours`. */
  constructor(settings: Config, engine: Engine = 'tape', own?: Dataset) {
    const config = (this.config = checked(settings, own));
    this.classes = classesOf(config.dataset, own);
    ({ train: this.train, test: this.test } = splitFor(config, own));
    const inputsAt = (this.inputsAt = featuresOf(config.features));
    const withInputs = (data: Dataset) => ({ ...data, x: data.x.map(inputsAt) });
    this.inputs = { train: withInputs(this.train), test: withInputs(this.test) };
    this.job = new TrainingJob(this.inputs.train, {
      task: this.classes === undefined ? 'regression' : 'classification',
      hidden: config.hidden,
      activation: config.activation,
      loss: config.loss,
      optimizer: config.optimizer,
      lr: config.lr,
      l2: config.l2,
      l1: config.l1,
      batchSize: config.batchSize > 0 ? config.batchSize : 'full',
      seed: config.seed,
      // 'tape' records wherever a recording can be replayed (full batches, hinge and mse
      // mini-batches) and builds the rest eagerly; 'eager' always builds.
      engine: engine === 'tape' ? 'auto' : 'eager',
    });
    this.model = this.job.model;
    // Around every point, the test points too: the surface shows where they fall.
    const points = [...this.train.x, ...this.test.x];
    const [[x0, x1], [y0, y1]] = [0, 1].map((k) => rangeOf(points.map((p) => p[k])));
    const pad = 0.25;
    this.bounds = { x0: x0 - pad, x1: x1 + pad, y0: y0 - pad, y1: y1 + pad };
    this.initialLoss = lossOn(new NumericMLP(this.model), config.loss, this.inputs.train);
  }

  /** The input at the centre of a grid cell (row 0 at the top). */
  gridPoint(row: number, col: number): number[] {
    const { x0, x1, y0, y1 } = this.bounds;
    return [x0 + ((col + 0.5) * (x1 - x0)) / GRID, y1 - ((row + 0.5) * (y1 - y0)) / GRID];
  }

  /**
   * Takes `count` steps, or as many as fit in `withinMs` (one at least); fewer when the loss runs
   * away, and then no more.
   */
  step(count = 1, withinMs = Infinity): void {
    const started = performance.now();
    for (let taken = 0; taken < count && this.diverged === undefined; taken++) {
      if (taken > 0 && performance.now() - started >= withinMs) return;
      try {
        this.noteSwing(this.job.step().loss);
      } catch (error) {
        if (!(error instanceof DivergenceError)) throw error;
        this.diverged =
          `training diverged: the loss went from ${lossText(error.firstLoss)} to ` +
          `${lossText(error.loss)} by step ${error.step + 1}; ` +
          `the learning rate ${this.config.lr} is too large, try a smaller one`;
        return;
      }
    }
  }

  /**
   * A loss that climbs back above its lowest by more than half the first step's loss is more than
   * the noise of a batch: the steps overshoot. Said until the next swing, or a rebuild.
   */
  private noteSwing(loss: number): void {
    const step = this.job.history.length;
    if (loss < this.lowest.loss) this.lowest = { loss, step };
    const first = this.job.history[0].loss;
    if (loss - this.lowest.loss > first / 2)
      this.swing =
        `the loss swung up from ${lossText(this.lowest.loss)} at step ${this.lowest.step} ` +
        `to ${lossText(loss)} at step ${step}: the learning rate ${this.config.lr} may be too large`;
  }

  /**
   * Sets one weight of the model, as if training had got it there: the next step trains on
   * from it. `layer` counts the hidden layers from 0, then the output layer.
   */
  setWeight(layer: number, neuron: number, input: number, value: number): void {
    const weight = this.model.layers[layer]?.neurons[neuron]?.w[input];
    if (!weight)
      throw new RangeError(
        `the model has no weight at layer ${layer}, neuron ${neuron}, input ${input}`,
      );
    if (!Number.isFinite(value)) throw new RangeError(`a weight must be a number; got ${value}`);
    weight.data = value;
    this.edited = true;
  }

  /**
   * The model as `gradscript train` saves it to model.json (`loadModel` reads it): the weights,
   * what it was trained for, and its inputs named as the inputs field names them.
   */
  modelJson(): ModelJson {
    return modelToJson(this.job.savedModel(), {
      ...this.job.trainedFor(),
      columns: this.config.features.map((name) => ({ name, kind: 'number' as const })),
      target: this.classes === undefined ? 'target' : 'class',
    });
  }

  /** The model as ONNX bytes (the library's exportOnnx, loaded only when asked for). */
  async modelOnnx(): Promise<Uint8Array> {
    const { exportOnnx } = await import('../../src/io/onnx.js');
    return exportOnnx(this.job.savedModel());
  }

  snapshot(): Snapshot {
    const { history } = this.job;
    const { loss } = this.config;
    const model = new NumericMLP(this.model);
    const { classes } = this;
    const regression = classes === undefined;
    const hiddenLayers = this.model.layers.slice(0, -1);
    const hiddenNeurons = hiddenLayers.reduce((sum, layer) => sum + layer.neurons.length, 0);
    const grid = new Float32Array(GRID * GRID * (classes ?? 1));
    const mapCells = NEURON_GRID * NEURON_GRID;
    const activations = new Float32Array(hiddenNeurons * mapCells);
    for (let row = 0; row < GRID; row++) {
      for (let col = 0; col < GRID; col++) {
        const cell = row * GRID + col;
        const outputs = model.forward(this.inputsAt(this.gridPoint(row, col)));
        if (regression) grid[cell] = outputs[0];
        else writeShares(loss, outputs, grid, cell * classes);
        if (row % 2 !== 0 || col % 2 !== 0) continue;
        const mapCell = (row / 2) * NEURON_GRID + col / 2;
        let n = 0;
        hiddenLayers.forEach((_, l) => {
          for (const a of model.layerOutputs(l)) activations[n++ * mapCells + mapCell] = a;
        });
      }
    }
    const tested = this.test.x.length > 0;
    const { train, test } = this.inputs;
    const stepsAnEpoch = Math.ceil(this.train.x.length / this.job.batchSize);
    return {
      step: history.length,
      epoch: Math.floor(history.length / stepsAnEpoch),
      loss: history.length > 0 ? history[history.length - 1].loss : this.initialLoss,
      accuracy: regression ? NaN : accuracyOn(model, loss, train),
      testLoss: tested ? lossOn(model, loss, test) : NaN,
      testAccuracy: tested && !regression ? accuracyOn(model, loss, test) : NaN,
      classes,
      grid,
      bounds: this.bounds,
      activations,
      weights: this.model.layers.map((layer) => layer.neurons.map((n) => n.w.map((w) => w.data))),
      edited: this.edited,
      diverged: this.diverged,
      swing: this.swing,
    };
  }

  /**
   * The graph of one point's loss after backward, each neuron collapsed but those expanded; or,
   * when the loss passes no gradient back (a hinge margin met), of the point's score after a
   * backward from it, with a note saying why.
   */
  trace(index: number, expanded: number[] = []): Trace {
    // Its gradients are the point's alone; the next step zeroes them before its own backward.
    const loss = this.job.rowLoss(index);
    const noGradient = this.model.parameters().every((p) => p.grad === 0);
    const root = noGradient ? this.score(index) : loss;
    const neurons = collectNeurons(this.model);
    const dot = drawDot(root, {
      // Top to bottom, each box's name, data and grad stacked: a layer of 16 boxes side by side
      // is narrower than the loss's chain of operations end to end, so more fits the column.
      rankdir: 'TB',
      collapse: this.model,
      parameters: this.model,
      expand: expanded.map((k) => neurons[k]),
    });
    const step = this.job.history.length;
    if (!noGradient) return { dot, of: 'loss', step };
    return { dot, of: 'score', step, note: this.whyNoGradient(index, loss.data, root.data) };
  }

  /**
   * The point's score, the output its loss reads (for cross-entropy, its class's logit), after a
   * backward from it: how each weight moves the prediction, whatever the loss.
   */
  private score(index: number): Value {
    const { features } = this.config;
    const inputs = this.inputs.train.x[index].map(
      (v, k) => new Value(v, FEATURE_LABELS[features[k]]),
    );
    const outputs = this.model.forward(inputs);
    const score = outputs[this.config.loss === 'crossentropy' ? this.train.y[index] : 0];
    score.label = `score of point ${index}`;
    this.model.zeroGrad();
    score.backward();
    return score;
  }

  private whyNoGradient(index: number, loss: number, score: number): string {
    const instead = 'shown instead: its score, the output before the loss, after backward from it';
    if (this.config.loss !== 'hinge')
      return `point ${index}'s gradients are all 0: its loss, ${loss}, passes none back; ${instead}`;
    const margin = (2 * this.train.y[index] - 1) * score;
    return (
      `point ${index}'s gradients are all 0: the hinge margin is met (y·s = ${margin.toFixed(2)}, ` +
      `at least 1), so its loss max(0, 1 − y·s) is 0 and passes no gradient back; ${instead}`
    );
  }
}

/** A loss in a message: three figures, or exponent form once large. */
function lossText(loss: number): string {
  return Math.abs(loss) < 1e4 ? String(Number(loss.toPrecision(3))) : loss.toExponential(2);
}
