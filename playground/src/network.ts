/**
 * The network picture, the page's centre: the inputs, every hidden neuron as a small map of its
 * activation over the plot, and the outputs; an edge for each weight, coloured by its sign and
 * as thick as it is large. Pointing at an edge (or focusing it: the arrow keys move between
 * them) reads its weight out; a click or Enter edits it.
 */
import { decimal } from './config';
import type { WeightAt } from './machine';
import { NEURON_GRID } from './grid';
import type { Snapshot } from './session';

/** A neuron's activation (or a weight) as a colour: orange above 0, blue below, white at 0. */
export const SIGN_COLOURS = { positive: [245, 140, 40], negative: [31, 119, 180] } as const;

const SVG = 'http://www.w3.org/2000/svg';
/** In the picture's own units: a neuron's side, the distance between two in a layer, between layers. */
const NODE = 30;
const ROW = 38;
const COLUMN = 150;
/** Room on the left for the inputs' names, written beside their nodes. */
const MARGIN = 44;
/** An edge's width in the picture's units: a weight of 0 a hairline, of 2.5 and over the widest. */
const EDGE_WIDTH = { least: 0.4, per: 1.6, most: 4.4 };

const rgb = (colour: readonly number[]) => `rgb(${colour.join(', ')})`;

/** What a layer's k-th node is called in the readout: an input by its label. */
/** Puts a node's box (a square of side NODE) at (x, y). */
function placeNode(element: SVGElement, x: number, y: number): void {
  element.setAttribute('x', String(x));
  element.setAttribute('y', String(y));
  element.setAttribute('width', String(NODE));
  element.setAttribute('height', String(NODE));
}

function nodeName(
  layer: number,
  k: number,
  widths: readonly number[],
  inputs: readonly string[],
): string {
  if (layer === 0) return inputs[k];
  if (layer === widths.length - 1) return widths[layer] === 1 ? 'output' : `output ${k + 1}`;
  return `neuron ${k + 1} of layer ${layer}`;
}

interface Edge extends WeightAt {
  line: SVGPathElement;
  /** The wider, unseen line that takes the pointer and the focus. */
  hit: SVGPathElement;
  name: string;
}

export class NetworkView {
  private readonly svg = document.createElementNS(SVG, 'svg');
  private edges: Edge[] = [];
  private maps: HTMLCanvasElement[] = [];
  private output?: HTMLCanvasElement;
  /** The weights drawn last: the readout and the editor read them. */
  private weights: number[][][] = [];
  /** The edge pointed at or focused, whose weight the readout shows. */
  private current?: Edge;
  /** The edge the editor is open for. */
  private editing?: Edge;

  constructor(
    container: HTMLElement,
    private readonly parts: {
      readout: HTMLElement;
      editor: HTMLFormElement;
      editorName: HTMLElement;
      editorValue: HTMLInputElement;
      editorProblem: HTMLElement;
      /** A weight typed and set: the page sends it to the model. */
      onEdit: (at: WeightAt, value: number) => void;
    },
  ) {
    this.svg.setAttribute('role', 'group');
    this.svg.setAttribute('aria-label', 'network');
    this.svg.id = 'network';
    container.prepend(this.svg);
    this.svg.addEventListener('keydown', (event) => this.onKey(event));
    const { editor, editorValue } = parts;
    editor.addEventListener('submit', (event) => {
      event.preventDefault();
      this.applyEdit();
    });
    editor.addEventListener('reset', () => this.closeEditor());
    editorValue.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.closeEditor();
    });
  }

  /**
   * A picture for a network of these layer widths (inputs first, outputs last), its inputs
   * labelled so; a single output's node shows the decision surface.
   */
  build(widths: readonly number[], inputs: readonly string[]): void {
    const tallest = Math.max(...widths);
    const width = MARGIN + (widths.length - 1) * COLUMN + NODE + 2;
    const height = tallest * ROW - (ROW - NODE) + 2;
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const at = (layer: number, k: number) => ({
      x: MARGIN + layer * COLUMN,
      // Each layer centred on the tallest.
      y: 1 + ((tallest - widths[layer]) * ROW) / 2 + k * ROW,
    });
    const lines = document.createElementNS(SVG, 'g');
    const hits = document.createElementNS(SVG, 'g');
    const nodes = document.createElementNS(SVG, 'g');
    this.edges = [];
    this.maps = [];
    this.output = undefined;
    this.current = this.editing = undefined;
    this.closeEditor();
    for (let layer = 1; layer < widths.length; layer++) {
      for (let neuron = 0; neuron < widths[layer]; neuron++) {
        for (let input = 0; input < widths[layer - 1]; input++) {
          const from = at(layer - 1, input);
          const to = at(layer, neuron);
          const [x0, y0, x1, y1] = [from.x + NODE, from.y + NODE / 2, to.x, to.y + NODE / 2];
          const d = `M${x0} ${y0}C${(x0 + x1) / 2} ${y0} ${(x0 + x1) / 2} ${y1} ${x1} ${y1}`;
          const line = document.createElementNS(SVG, 'path');
          line.setAttribute('d', d);
          line.classList.add('weight');
          const hit = document.createElementNS(SVG, 'path');
          hit.setAttribute('d', d);
          hit.classList.add('hit');
          hit.setAttribute('role', 'button');
          hit.tabIndex = this.edges.length === 0 ? 0 : -1;
          const name = `${nodeName(layer - 1, input, widths, inputs)} → ${nodeName(layer, neuron, widths, inputs)}`;
          const edge: Edge = { layer: layer - 1, neuron, input, line, hit, name };
          hit.addEventListener('pointerenter', () => this.point(edge));
          hit.addEventListener('focus', () => this.point(edge));
          hit.addEventListener('click', () => this.openEditor(edge));
          lines.append(line);
          hits.append(hit);
          this.edges.push(edge);
        }
      }
    }
    widths.forEach((count, layer) => {
      for (let k = 0; k < count; k++) {
        const { x, y } = at(layer, k);
        const name = nodeName(layer, k, widths, inputs);
        const hidden = layer > 0 && layer < widths.length - 1;
        const surface = layer === widths.length - 1 && count === 1;
        if (hidden || surface) {
          const box = document.createElementNS(SVG, 'foreignObject');
          placeNode(box, x, y);
          const map = document.createElement('canvas');
          map.width = map.height = NEURON_GRID;
          map.title = hidden ? `${name}: its activation` : 'the output: the decision surface';
          box.append(map);
          nodes.append(box);
          if (hidden) this.maps.push(map);
          else {
            map.classList.add('output');
            this.output = map;
          }
        } else {
          const node = document.createElementNS(SVG, 'rect');
          placeNode(node, x, y);
          const label = document.createElementNS(SVG, 'text');
          // An input's name beside its node, a class's number inside.
          label.setAttribute('x', String(layer === 0 ? x - 3 : x + NODE / 2));
          label.setAttribute('y', String(y + NODE / 2));
          label.classList.toggle('input', layer === 0);
          label.textContent = layer === 0 ? name : String(k + 1);
          nodes.append(node, label);
        }
      }
    });
    this.svg.replaceChildren(lines, hits, nodes);
    this.svg.dataset.layers = widths.join(',');
  }

  /** The model as the snapshot has it: the edges, each hidden neuron's map and the output's. */
  draw(snapshot: Snapshot, surface: CanvasImageSource): void {
    this.weights = snapshot.weights;
    for (const edge of this.edges) {
      const w = this.weightOf(edge);
      const width = Math.min(EDGE_WIDTH.most, EDGE_WIDTH.least + EDGE_WIDTH.per * Math.abs(w));
      // A weight overflowed to NaN is grey: it has no sign.
      const colour = Number.isNaN(w)
        ? '#999'
        : rgb(w >= 0 ? SIGN_COLOURS.positive : SIGN_COLOURS.negative);
      edge.line.setAttribute('stroke', colour);
      edge.line.setAttribute('stroke-width', width.toFixed(2));
    }
    const cells = NEURON_GRID * NEURON_GRID;
    this.maps.forEach((map, n) =>
      drawMap(map, snapshot.activations.subarray(n * cells, (n + 1) * cells)),
    );
    if (this.output) {
      const context = this.output.getContext('2d')!;
      context.drawImage(surface, 0, 0, this.output.width, this.output.height);
    }
    this.showCurrent();
  }

  private weightOf(edge: WeightAt): number {
    return this.weights[edge.layer]?.[edge.neuron]?.[edge.input] ?? NaN;
  }

  private point(edge: Edge): void {
    this.current?.line.classList.remove('current');
    this.current = edge;
    edge.line.classList.add('current');
    this.showCurrent();
  }

  private showCurrent(): void {
    const edge = this.current;
    if (!edge) return;
    const text = `weight ${edge.name}: ${this.weightOf(edge).toFixed(4)}`;
    this.parts.readout.textContent = text;
    edge.hit.setAttribute('aria-label', `${text}; Enter edits it`);
  }

  /** Arrow keys move the focus along the edges, one tab stop for them all; Enter edits. */
  private onKey(event: KeyboardEvent): void {
    const at = this.edges.findIndex((edge) => edge.hit === event.target);
    if (at < 0) return;
    const moves: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowRight: at + 1,
      ArrowUp: at - 1,
      ArrowLeft: at - 1,
      Home: 0,
      End: this.edges.length - 1,
    };
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.openEditor(this.edges[at]);
      return;
    }
    if (!(event.key in moves)) return;
    event.preventDefault();
    const to = this.edges[Math.min(this.edges.length - 1, Math.max(0, moves[event.key]))];
    this.edges[at].hit.tabIndex = -1;
    to.hit.tabIndex = 0;
    to.hit.focus();
  }

  private openEditor(edge: Edge): void {
    const { editor, editorName, editorValue, editorProblem } = this.parts;
    this.editing = edge;
    this.point(edge);
    editorName.textContent = `weight ${edge.name}`;
    editorValue.value = String(this.weightOf(edge));
    editorProblem.textContent = '';
    editorValue.removeAttribute('aria-invalid');
    editor.hidden = false;
    editorValue.focus();
    editorValue.select();
  }

  private applyEdit(): void {
    const edge = this.editing;
    if (!edge) return;
    const { editorValue, editorProblem } = this.parts;
    const value = decimal(editorValue.value);
    if (!Number.isFinite(value)) {
      editorProblem.textContent = `a weight must be a number, such as 0.5 or -1.2; got "${editorValue.value}"`;
      editorValue.setAttribute('aria-invalid', 'true');
      return;
    }
    const { layer, neuron, input } = edge;
    this.parts.onEdit({ layer, neuron, input }, value);
    this.closeEditor();
  }

  /** Hides the editor; the focus goes back to the edge it edited. */
  private closeEditor(): void {
    const edge = this.editing;
    this.editing = undefined;
    this.parts.editor.hidden = true;
    if (edge) {
      for (const other of this.edges) other.hit.tabIndex = other === edge ? 0 : -1;
      edge.hit.focus();
    }
  }
}

/** A neuron's activation over the plot, white at 0 and deepest at its largest. */
function drawMap(map: HTMLCanvasElement, values: Float32Array): void {
  const largest = values.reduce((most, v) => Math.max(most, Math.abs(v)), 0);
  const image = new ImageData(map.width, map.height);
  values.forEach((v, cell) => {
    // A neuron 0 everywhere (or overflowed) is white: nothing to scale.
    const t = largest > 0 && Number.isFinite(largest) ? v / largest : 0;
    const colour = t >= 0 ? SIGN_COLOURS.positive : SIGN_COLOURS.negative;
    const pixel = colour.map((c) => 255 + Math.abs(t) * (c - 255));
    image.data.set([...pixel, 255], cell * 4);
  });
  map.getContext('2d')!.putImageData(image, 0, 0);
}
