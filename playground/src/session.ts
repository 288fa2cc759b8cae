/**
 * A training session: the library's training job, stepped on demand, and what the page draws of
 * it. It runs in the playground's Web Worker (and in jest), using gradscript exactly as a script
 * would.
 */
import {
  TrainingJob,
  collectNeurons,
  dataset,
  drawDot,
  rangeOf,
  type Dataset,
  type MLP,
} from '../../src/browser';
import { normalize, type Config } from './config';

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
  private readonly job: TrainingJob;
  /** The centres of the grid's cells, row by row from the top-left. */
  private readonly cells: number[][] = [];
  readonly bounds: Snapshot['bounds'];

  constructor(settings: Config, engine: 'tape' | 'eager' = 'tape') {
    const config = (this.config = normalize(settings));
    this.data = dataset(config.dataset, config.samples, { noise: config.noise, seed: config.seed });
    this.job = new TrainingJob(this.data, {
      hidden: config.hidden,
      activation: config.activation,
      loss: config.loss,
      optimizer: config.optimizer,
      lr: config.lr,
      l2: 0,
      batchSize: config.batchSize > 0 ? config.batchSize : 'full',
      seed: config.seed,
      // 'tape' records wherever a recording can be replayed (full batches, hinge and mse
      // mini-batches) and builds the rest eagerly; 'eager' always builds.
      engine: engine === 'tape' ? 'auto' : 'eager',
    });
    this.model = this.job.model;
    const [[x0, x1], [y0, y1]] = this.job.data.columns.map(rangeOf);
    const pad = 0.25;
    this.bounds = { x0: x0 - pad, x1: x1 + pad, y0: y0 - pad, y1: y1 + pad };
    for (let row = 0; row < GRID; row++) {
      for (let col = 0; col < GRID; col++) this.cells.push(this.gridPoint(row, col));
    }
  }

  /** The input at the centre of a grid cell (row 0 at the top). */
  gridPoint(row: number, col: number): number[] {
    const { x0, x1, y0, y1 } = this.bounds;
    return [x0 + ((col + 0.5) * (x1 - x0)) / GRID, y1 - ((row + 0.5) * (y1 - y0)) / GRID];
  }

  step(count = 1): void {
    for (let i = 0; i < count; i++) this.job.step();
  }

  snapshot(): Snapshot {
    const { history } = this.job;
    return {
      step: history.length,
      loss: history.length > 0 ? history[history.length - 1].loss : NaN,
      accuracy: this.job.evaluate().accuracy!,
      grid: this.job.classify(this.cells),
      bounds: this.bounds,
    };
  }

  /** The graph of one point's loss after backward, each neuron collapsed but those expanded. */
  trace(index: number, expanded: number[] = []): { dot: string; point: number[]; label: number } {
    // Its gradients are the point's alone; the next step zeroes them before its own backward.
    const loss = this.job.rowLoss(index);
    const neurons = collectNeurons(this.model);
    const dot = drawDot(loss, {
      collapse: this.model,
      parameters: this.model,
      expand: expanded.map((k) => neurons[k]),
    });
    return { dot, point: this.data.x[index], label: this.data.y[index] };
  }
}
