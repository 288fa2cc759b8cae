/**
 * The model as plain numbers, for the thousands of points of the decision surface: a forward
 * pass over the parameters' current data builds no Value, so it costs a few multiplications a
 * weight and nothing to record or collect.
 */
import type { Activation, MLP } from '../../src/browser';
import type { Config } from './config';

interface NumericLayer {
  /** Each neuron's weights, then its bias. */
  neurons: { w: number[]; b: number }[];
  activation: Activation;
}

export class NumericMLP {
  private readonly layers: NumericLayer[];
  /** Each layer's outputs, reused from one point to the next. */
  private readonly outputs: number[][];

  /** Copies the model's parameters as they are now: later training does not change this one. */
  constructor(model: MLP) {
    this.layers = model.layers.map((layer) => ({
      neurons: layer.neurons.map((n) => ({ w: n.w.map((v) => v.data), b: n.b.data })),
      activation: layer.neurons[0].activation,
    }));
    this.outputs = this.layers.map((layer) => new Array<number>(layer.neurons.length).fill(0));
  }

  /** The model's outputs at `x`, in an array that the next call overwrites. */
  forward(x: readonly number[]): readonly number[] {
    let input = x;
    this.layers.forEach(({ neurons, activation }, l) => {
      const output = this.outputs[l];
      for (let j = 0; j < neurons.length; j++) {
        const { w, b } = neurons[j];
        // The bias first, then each weight in turn: Neuron.forward's order of additions, so the
        // sums agree with it to the last bit.
        let z = b;
        for (let i = 0; i < w.length; i++) z += w[i] * input[i];
        output[j] = activate(z, activation);
      }
      input = output;
    });
    return input;
  }

  /** A layer's outputs at the point last passed forward, in an array that the next call overwrites. */
  layerOutputs(layer: number): readonly number[] {
    return this.outputs[layer];
  }
}

/** The engine's activations on a number, computed as Value computes them. */
function activate(z: number, activation: Activation): number {
  switch (activation) {
    case 'relu':
      return z > 0 ? z : 0;
    case 'tanh':
      return Math.tanh(z);
    case 'sigmoid':
      return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    case 'linear':
      return z;
  }
}

/**
 * How sure the model is of each class at a point, as shares that sum to 1, read off its outputs
 * as the loss reads them: cross-entropy's softmax; BCE's sigmoid; the hinge loss's margin, sure
 * at a score of ±1 and past; MSE's score itself, which it fits to the labels 0 and 1. Written
 * into `into` from `at`, `classes` of them.
 */
export function writeShares(
  loss: Config['loss'],
  outputs: readonly number[],
  into: Float32Array,
  at: number,
): void {
  if (loss === 'crossentropy') {
    const top = Math.max(...outputs);
    let sum = 0;
    for (const z of outputs) sum += Math.exp(z - top);
    outputs.forEach((z, k) => (into[at + k] = share(Math.exp(z - top) / sum, outputs.length)));
    return;
  }
  const s = outputs[0];
  const one = loss === 'bce' ? 1 / (1 + Math.exp(-s)) : loss === 'hinge' ? (s + 1) / 2 : s;
  into[at] = share(1 - clamp(one), 2);
  into[at + 1] = share(clamp(one), 2);
}

function clamp(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/** A model whose outputs overflowed to NaN is sure of nothing: an even share. */
function share(p: number, classes: number): number {
  return Number.isNaN(p) ? 1 / classes : p;
}
