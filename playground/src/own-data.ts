/**
 * Your own data: a CSV pasted or uploaded, or points added by clicking on the plot. Either makes
 * the data set `yours`, which the page builds as it builds a generated one.
 */
import type { Dataset } from '../../src/browser';
import { CLASS_COUNT, OWN_POINTS } from './config';

/** The targets a click can give a point for regression: blue to orange, as the plot colours them. */
const TARGETS = [-1, -0.5, 0, 0.5, 1];

export interface OwnDataElements {
  text: HTMLTextAreaElement;
  file: HTMLInputElement;
  read: HTMLButtonElement;
  /** What was read, or what is wrong with it. */
  status: HTMLElement;
  /** What a click on the plot adds: nothing, or a point of a class (or of a target). */
  adding: HTMLSelectElement;
}

export interface OwnDataHooks {
  /** The points the plot shows now, the test points too, with their classes (none: regression). */
  shown(): Dataset | undefined;
  /** Trains on these points: the data set becomes `yours`. */
  use(points: Dataset): void;
}

export class OwnData {
  /** The points of the data set `yours`, once read or added. */
  points?: Dataset;

  constructor(
    private readonly elements: OwnDataElements,
    private readonly hooks: OwnDataHooks,
  ) {
    elements.read.addEventListener('click', () => void this.read(elements.text.value));
    elements.file.addEventListener('change', () => {
      const file = elements.file.files?.[0];
      if (file) void file.text().then((text) => this.read(text, file.name));
    });
  }

  /** Reads CSV text into your points, or says what is wrong with it, as `gradscript train` would. */
  async read(text: string, name = 'the CSV'): Promise<void> {
    const { status } = this.elements;
    status.dataset.problem = '';
    status.textContent = 'reading…';
    try {
      const { pointsFromCsv } = await import('./own-csv');
      const { data, description } = pointsFromCsv(text);
      status.textContent = `${name}: ${description}`;
      this.take(data);
    } catch (error) {
      status.dataset.problem = 'true';
      status.textContent = `${name}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /**
   * A click on the plot at `point`: while adding, a point of the class (or target) chosen joins
   * the points shown, which become yours. Whether the click was taken.
   */
  place(point: number[]): boolean {
    const label = this.elements.adding.value;
    const shown = this.hooks.shown();
    if (label === '' || !shown) return false;
    if (shown.x.length >= OWN_POINTS.most) {
      this.elements.status.dataset.problem = 'true';
      this.elements.status.textContent = `the playground trains on at most ${OWN_POINTS.most} points`;
      return true;
    }
    this.elements.status.dataset.problem = '';
    this.elements.status.textContent = `added a point at (${point.map((v) => v.toFixed(2)).join(', ')})`;
    this.take({ x: [...shown.x, point], y: [...shown.y, Number(label)], classes: shown.classes });
    return true;
  }

  /** The choices of what a click adds, for data of these classes (none: a number to predict). */
  offer(classes: number | undefined): void {
    const menu = this.elements.adding;
    const chosen = menu.value;
    const labels =
      classes === undefined
        ? TARGETS.map((t) => [String(t), `a point of target ${t}`])
        : Array.from({ length: Math.min(classes, CLASS_COUNT) }, (_, k) => [
            String(k),
            `a point of class ${k}`,
          ]);
    menu.replaceChildren(
      new Option('nothing: a click traces', ''),
      ...labels.map(([value, text]) => new Option(text, value)),
    );
    if ([...menu.options].some((o) => o.value === chosen)) menu.value = chosen;
  }

  private take(points: Dataset): void {
    this.points = points;
    this.hooks.use(points);
  }
}
