/**
 * What the settings panel's sliders and +/− buttons do, without a page: a slider's positions as
 * the values they stand for, and the edits the buttons make to the hidden field's text. Each
 * writes text into a field, which is then checked as if typed: nothing here knows the limits.
 */
import { layerSizes } from './config';

/** A slider of whole positions 0 to `last`, each standing for a value. */
export interface Scale {
  last: number;
  /** The value at a position, one that prints short (0.2, not 0.20000000000000001). */
  valueAt(position: number): number;
  /** The position nearest a value (the nearer end if out of range); undefined for none. */
  positionOf(value: number): number | undefined;
}

const clampPosition = (position: number, last: number) =>
  Math.min(last, Math.max(0, Math.round(position)));

/** Three steps a decade, 1, 2 and 5 times a power of ten. */
const MANTISSAS = [1, 2, 5];
const LR_LEAST_EXPONENT = -4;
const LR_DECADES = 5;

/** The learning rate on a log scale: 0.0001, 0.0002, 0.0005, 0.001, … 5, 10. */
const LR_LAST = LR_DECADES * MANTISSAS.length;
export const LR_SCALE: Scale = {
  last: LR_LAST,
  valueAt(position) {
    const p = clampPosition(position, LR_LAST);
    const exponent = LR_LEAST_EXPONENT + Math.floor(p / MANTISSAS.length);
    // Read from decimal text, so that 2e-4 is the number 0.0002 prints as.
    return Number(`${MANTISSAS[p % MANTISSAS.length]}e${exponent}`);
  },
  positionOf(value) {
    if (!(value > 0) || !Number.isFinite(value)) return undefined;
    // The nearest on the log scale: the one whose ratio to the value is closest to 1.
    let best = 0;
    const distance = (q: number) => Math.abs(Math.log(value / LR_SCALE.valueAt(q)));
    for (let p = 1; p <= LR_LAST; p++) {
      if (distance(p) < distance(best)) best = p;
    }
    return best;
  },
};

/** The noise from 0 to 1 in steps of 0.05. */
export const NOISE_SCALE: Scale = {
  last: 20,
  valueAt(position) {
    return clampPosition(position, 20) / 20;
  },
  positionOf(value) {
    if (!Number.isFinite(value)) return undefined;
    return clampPosition(value * 20, 20);
  },
};

/** The hidden field's text for these sizes. */
const textOfSizes = (sizes: number[]) => sizes.join(',');

/** One more hidden layer, as wide as the last; undefined if the text holds no layer sizes. */
export function addLayer(text: string): string | undefined {
  const sizes = layerSizes(text);
  return sizes && textOfSizes([...sizes, sizes[sizes.length - 1]]);
}

/**
 * The last hidden layer dropped; undefined if the text holds no layer sizes or only one, as the
 * settings take no network without a hidden layer.
 */
export function removeLayer(text: string): string | undefined {
  const sizes = layerSizes(text);
  return sizes && sizes.length > 1 ? textOfSizes(sizes.slice(0, -1)) : undefined;
}

/**
 * Hidden layer `layer` (from 0) `by` neurons wider (narrower if negative); undefined if the text
 * holds no layer sizes, has no such layer, or the layer would have fewer than one neuron.
 */
export function resizeLayer(text: string, layer: number, by: number): string | undefined {
  const sizes = layerSizes(text);
  if (!sizes || !Number.isInteger(layer) || layer < 0 || layer >= sizes.length) return undefined;
  const size = sizes[layer] + by;
  if (!Number.isInteger(size) || size < 1) return undefined;
  return textOfSizes(sizes.map((s, i) => (i === layer ? size : s)));
}

/** The speed control's choices, in steps per second: Infinity is as fast as the worker goes. */
export const SPEEDS = [1, 5, 20, 100, 500, Infinity] as const;

/** A speed as the control and the link write it. */
export function speedText(speed: number): string {
  return Number.isFinite(speed) ? String(speed) : 'max';
}
