/**
 * The plot: the model's surface over the plane and the data on it. For classes, each cell is
 * shaded by how sure the model is of each; for regression, by the number it predicts, blue below
 * 0 and orange above. The training points can be picked by a click or by the keyboard: the
 * arrow keys move a cursor from point to point, Enter traces the one under it.
 */
import type { Dataset } from '../../src/browser';
import type { Snapshot } from './session';

export const CLASS_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c'];
/** Each class's region where the model is sure of it, as red, green, blue: its colour, paler. */
const REGION_COLOURS = [
  [143, 187, 218],
  [255, 191, 135],
  [150, 208, 150],
];
/** Regression's two ends, -1 and 1 (and past them): the first two classes' colours. */
const LOW = [31, 119, 180];
const HIGH = [255, 127, 14];
/** How near a click must fall to a point to pick it, in the canvas's pixels. */
const PICK_RADIUS = 12;

/** A number to predict as a colour: white at 0, blue towards -1, orange towards 1. */
export function targetColour(value: number): number[] {
  const t = Math.max(-1, Math.min(1, Number.isFinite(value) ? value : 0));
  const end = t < 0 ? LOW : HIGH;
  return [0, 1, 2].map((c) => Math.round(255 + Math.abs(t) * (end[c] - 255)));
}

const rgb = (colour: number[]) => `rgb(${colour.join(', ')})`;

export interface PlotData {
  snapshot: Snapshot;
  train: Dataset;
  test: Dataset;
}

export interface PlotOptions {
  showTest: HTMLInputElement;
  discretize: HTMLInputElement;
  /** Says which point the keyboard's cursor is on. */
  readout: HTMLElement;
  /** A training point picked, by a click or Enter, to trace. */
  onPick: (index: number) => void;
  /** A click on the plot where no point is picked: the point of the plane clicked. */
  onPlace: (point: number[]) => boolean;
}

export class PlotView {
  /** The surface at one pixel a grid cell, stretched smoothly over the canvas: the network's output map too. */
  readonly surface = document.createElement('canvas');
  private data?: PlotData;
  /** The point traced, drawn larger. */
  private traced?: number;
  /** The training point the keyboard's cursor is on. */
  private cursor?: number;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly options: PlotOptions,
  ) {
    canvas.tabIndex = 0;
    canvas.addEventListener('click', (event) => this.click(event));
    canvas.addEventListener('keydown', (event) => this.key(event));
    canvas.addEventListener('focus', () => {
      if (this.data && this.cursor === undefined) this.moveCursor(this.traced ?? 0);
    });
    canvas.addEventListener('blur', () => this.redraw());
  }

  /** Draws the model and data given; `traced` is the point traced, if any. */
  draw(data: PlotData, traced?: number): void {
    if (data.train !== this.data?.train) this.cursor = undefined;
    this.data = data;
    this.traced = traced;
    this.redraw();
  }

  /** Forgets the data drawn: the model it belongs to is being replaced. */
  clear(): void {
    this.data = undefined;
    this.cursor = undefined;
    this.options.readout.textContent = '';
  }

  redraw(): void {
    if (!this.data) return;
    const { snapshot, train, test } = this.data;
    const regression = snapshot.classes === undefined;
    this.paintSurface(snapshot);
    const context = this.canvas.getContext('2d')!;
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.drawImage(this.surface, 0, 0, this.canvas.width, this.canvas.height);
    const fill = (label: number) => (regression ? rgb(targetColour(label)) : CLASS_COLOURS[label]);
    train.x.forEach((p, i) => {
      const [cx, cy] = this.toCanvas(p);
      context.beginPath();
      context.arc(cx, cy, i === this.traced ? 6 : 4, 0, 2 * Math.PI);
      context.fillStyle = fill(train.y[i]);
      context.fill();
      context.lineWidth = i === this.traced ? 2 : 0.8;
      context.strokeStyle = '#222';
      context.stroke();
    });
    // The test points hollow, a ring of their class's colour, outlined as the others are: told
    // apart from those trained on, and seen on their own class's region.
    if (this.options.showTest.checked)
      test.x.forEach((p, i) => {
        const [cx, cy] = this.toCanvas(p);
        context.beginPath();
        context.arc(cx, cy, 4, 0, 2 * Math.PI);
        context.fillStyle = 'white';
        context.fill();
        context.lineWidth = 2;
        context.strokeStyle = fill(test.y[i]);
        context.stroke();
        context.beginPath();
        context.arc(cx, cy, 5, 0, 2 * Math.PI);
        context.lineWidth = 0.8;
        context.strokeStyle = '#222';
        context.stroke();
      });
    // The keyboard's cursor: a square around its point, while the plot has the focus.
    if (this.cursor !== undefined && document.activeElement === this.canvas) {
      const [cx, cy] = this.toCanvas(train.x[this.cursor]);
      context.lineWidth = 2;
      context.strokeStyle = '#000';
      context.strokeRect(cx - 9, cy - 9, 18, 18);
      context.strokeStyle = '#fff';
      context.lineWidth = 1;
      context.strokeRect(cx - 11, cy - 11, 22, 22);
    }
  }

  /**
   * Each cell coloured: for classes white where every class is as likely, a class's colour
   * where it is certain, and shades between (discretized, the likeliest class's colour in full);
   * for regression, the number predicted (discretized, its sign).
   */
  private paintSurface(s: Snapshot): void {
    const classes = s.classes ?? 1;
    const cells = s.grid.length / classes;
    const discretize = this.options.discretize.checked;
    this.surface.width = this.surface.height = Math.sqrt(cells);
    const image = new ImageData(this.surface.width, this.surface.height);
    for (let cell = 0; cell < cells; cell++) {
      let colour: number[];
      if (s.classes === undefined) {
        const value = s.grid[cell];
        colour = targetColour(discretize ? Math.sign(value) : value);
      } else {
        colour = [255, 255, 255];
        const shares = s.grid.subarray(cell * classes, (cell + 1) * classes);
        const likeliest = shares.indexOf(Math.max(...shares));
        for (let k = 0; k < classes; k++) {
          // Its share above an even one, scaled to reach 1 when certain.
          const sure = discretize
            ? Number(k === likeliest)
            : Math.max(0, ((shares[k] - 1 / classes) * classes) / (classes - 1));
          for (let c = 0; c < 3; c++) colour[c] += sure * (REGION_COLOURS[k][c] - 255);
        }
      }
      image.data.set([...colour, 255], cell * 4);
    }
    this.surface.getContext('2d')!.putImageData(image, 0, 0);
  }

  /** Where a point of the plane falls on the canvas. */
  private toCanvas([x, y]: readonly number[]): [number, number] {
    const { x0, x1, y0, y1 } = this.data!.snapshot.bounds;
    return [
      ((x - x0) / (x1 - x0)) * this.canvas.width,
      ((y1 - y) / (y1 - y0)) * this.canvas.height,
    ];
  }

  /** The point of the plane at a place on the canvas. */
  private toPlane(px: number, py: number): number[] {
    const { x0, x1, y0, y1 } = this.data!.snapshot.bounds;
    return [x0 + (px / this.canvas.width) * (x1 - x0), y1 - (py / this.canvas.height) * (y1 - y0)];
  }

  /** A click places a point when adding points, else picks the training point nearest it. */
  private click(event: MouseEvent): void {
    if (!this.data) return;
    const rect = this.canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) / rect.width) * this.canvas.width;
    const y = ((event.clientY - rect.top) / rect.height) * this.canvas.height;
    if (this.options.onPlace(this.toPlane(x, y))) return;
    let nearest = -1;
    let best = PICK_RADIUS ** 2;
    // Only the points trained on have a loss the training job traces.
    this.data.train.x.forEach((p, i) => {
      const [px, py] = this.toCanvas(p);
      const d = (px - x) ** 2 + (py - y) ** 2;
      if (d < best) [best, nearest] = [d, i];
    });
    if (nearest >= 0) this.options.onPick(nearest);
  }

  /** The arrow keys move the cursor to the nearest point that way; Enter or space traces it. */
  private key(event: KeyboardEvent): void {
    if (!this.data || event.ctrlKey || event.metaKey || event.altKey) return;
    const direction = ARROWS[event.key];
    if (direction) {
      event.preventDefault();
      this.moveCursor(this.nextPoint(this.cursor ?? 0, direction));
    } else if ((event.key === 'Enter' || event.key === ' ') && this.cursor !== undefined) {
      event.preventDefault();
      this.options.onPick(this.cursor);
    }
  }

  private moveCursor(index: number): void {
    const { train, snapshot } = this.data!;
    if (train.x.length === 0) return;
    this.cursor = index;
    const [x1, x2] = train.x[index];
    const label =
      snapshot.classes === undefined
        ? `target ${round(train.y[index])}`
        : `class ${train.y[index]}`;
    this.options.readout.textContent =
      `point ${index} of ${train.x.length} (x1 ${round(x1)}, x2 ${round(x2)}, ${label}): ` +
      'Enter traces it';
    this.redraw();
  }

  /**
   * The point nearest `from` within 45° of the direction, on the canvas (so up is up); `from`
   * itself when there is none that way.
   */
  private nextPoint(from: number, [dx, dy]: readonly [number, number]): number {
    const [fx, fy] = this.toCanvas(this.data!.train.x[from]);
    let best = from;
    let bestDistance = Infinity;
    this.data!.train.x.forEach((p, i) => {
      const [px, py] = this.toCanvas(p);
      const along = (px - fx) * dx + (py - fy) * dy;
      const across = Math.abs((px - fx) * dy - (py - fy) * dx);
      if (i === from || along <= 0 || across > along) return;
      const distance = along + across;
      if (distance < bestDistance) [best, bestDistance] = [i, distance];
    });
    return best;
  }
}

/** Each arrow key's direction on the canvas. */
const ARROWS: Record<string, readonly [number, number]> = {
  ArrowRight: [1, 0],
  ArrowLeft: [-1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

const round = (n: number) => String(Number(n.toFixed(2)));
