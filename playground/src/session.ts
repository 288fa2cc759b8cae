/**
 * A training session: the model, its data and its optimizer, stepped on demand. It runs in the
 * playground's Web Worker (and in jest), using gradscript exactly as a script would.
 */
import {
  Adam,
  MLP,
  SGD,
  Tape,
  Value,
  batches,
  dataset,
  drawDot,
  lossOf,
  predictedClass,
  shuffle,
  type Dataset,
  type Optimizer,
  collectNeurons,
} from '../../src/browser';
import { classesOf, normalize, type Config } from './config';

export const GRID = 30;

export interface Snapshot {
  step: number;
  loss: number;
  accuracy: number;
  /** The predicted class of each grid cell, row by row from the top-left, GRID × GRID. */
  grid: number[];
  bounds: { x0: number; x1: number; y0: number; y1: number };
}

export class Session {
  readonly config: Config;
  readonly data: Dataset;
  readonly model: MLP;
  private readonly optimizer: Optimizer;
  private steps = 0;
  private epoch = 0;
  private queue: Dataset[] = [];
  private lastLoss = NaN;
  /** Full-batch training replays one recorded graph; mini-batches rebuild it. */
  private readonly tape?: { tape: Tape; outputs: Value[][] };
  private readonly gridTape: { tape: Tape; outputs: Value[][] };
  readonly bounds: Snapshot['bounds'];

  constructor(settings: Config, engine: 'tape' | 'eager' = 'tape') {
    const config = (this.config = normalize(settings));
    this.data = dataset(config.dataset, config.samples, { noise: config.noise, seed: config.seed });
    const outputs = config.loss === 'crossentropy' ? classesOf(config.dataset) : 1;
    this.model = new MLP(2, [...config.hidden, outputs], {
      activation: config.activation,
      seed: config.seed,
    });
    const lr = config.lr;
    this.optimizer =
      config.optimizer === 'adam'
        ? new Adam(this.model.parameters(), { lr })
        : new SGD(this.model.parameters(), { lr });
    if (engine === 'tape' && config.batchSize === 0) {
      const outs = this.data.x.map((x) => this.model.forward(x));
      this.tape = { tape: Tape.record(lossOf(config.loss, outs, this.data.y)), outputs: outs };
    }
    const xs = this.data.x.map((p) => p[0]);
    const ys = this.data.x.map((p) => p[1]);
    const pad = 0.25;
    this.bounds = {
      x0: Math.min(...xs) - pad,
      x1: Math.max(...xs) + pad,
      y0: Math.min(...ys) - pad,
      y1: Math.max(...ys) + pad,
    };
    // The decision regions: the model on a grid of points, recorded once and replayed as it learns.
    const cells: number[][] = [];
    for (let row = 0; row < GRID; row++) {
      for (let col = 0; col < GRID; col++) cells.push(this.gridPoint(row, col));
    }
    const gridOutputs = cells.map((p) => this.model.forward(p));
    this.gridTape = { tape: Tape.record(Value.sum(gridOutputs.flat())), outputs: gridOutputs };
  }

  /** The input at the centre of a grid cell (row 0 at the top). */
  gridPoint(row: number, col: number): number[] {
    const { x0, x1, y0, y1 } = this.bounds;
    return [x0 + ((col + 0.5) * (x1 - x0)) / GRID, y1 - ((row + 0.5) * (y1 - y0)) / GRID];
  }

  step(count = 1): void {
    for (let i = 0; i < count; i++) this.stepOnce();
  }

  private stepOnce(): void {
    const { loss } = this.config;
    this.optimizer.zeroGrad();
    if (this.tape) {
      this.lastLoss = this.tape.tape.forward();
      this.tape.tape.backward();
    } else {
      if (this.queue.length === 0) {
        this.queue =
          this.config.batchSize > 0
            ? batches(shuffle(this.data, this.config.seed + this.epoch++), this.config.batchSize)
            : [this.data];
      }
      const batch = this.queue.shift()!;
      const total = lossOf(
        loss,
        batch.x.map((x) => this.model.forward(x)),
        batch.y,
      );
      total.backward();
      this.lastLoss = total.data;
    }
    this.optimizer.step();
    this.steps++;
  }

  snapshot(): Snapshot {
    const { loss } = this.config;
    const right = this.data.x.filter(
      (x, i) =>
        predictedClass(
          loss,
          this.model.forward(x).map((v) => v.data),
        ) === this.data.y[i],
    ).length;
    this.gridTape.tape.forward();
    const grid = this.gridTape.outputs.map((o) =>
      predictedClass(
        loss,
        o.map((v) => this.gridTape.tape.read(v)),
      ),
    );
    return {
      step: this.steps,
      loss: this.lastLoss,
      accuracy: right / this.data.x.length,
      grid,
      bounds: this.bounds,
    };
  }

  /** The graph of one point's loss after backward, each neuron collapsed but those expanded. */
  trace(index: number, expanded: number[] = []): { dot: string; point: number[]; label: number } {
    const point = this.data.x[index];
    if (!point) throw new Error(`no point ${index}`);
    const inputs = point.map((v, i) => new Value(v, `x${i + 1}`));
    const loss = lossOf(this.config.loss, [this.model.forward(inputs)], [this.data.y[index]]);
    loss.label = `loss of point ${index}`;
    const parameters = this.model.parameters();
    const saved = parameters.map((p) => p.grad);
    for (const p of parameters) p.grad = 0;
    loss.backward();
    const neurons = collectNeurons(this.model);
    const dot = drawDot(loss, {
      collapse: this.model,
      parameters: this.model,
      expand: expanded.map((k) => neurons[k]),
    });
    parameters.forEach((p, i) => (p.grad = saved[i]));
    return { dot, point, label: this.data.y[index] };
  }
}
