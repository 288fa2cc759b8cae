/**
 * micrograd's moons demo as a benchmark: MLP(2, [16, 16, 1]) with ReLU, 100 points, hinge loss
 * plus 1e-4·Σp², 100 full-batch SGD steps at learning rate 1 - 0.9·k/100. Every implementation
 * starts from the same weights and performs the same floating-point operations in the same
 * order, so all of them end at the same loss, bit for bit.
 */
import { MLP, Tape, Value, moons } from '../src';
import { PortValue } from './micrograd-port';

export const STEPS = 100;
const SIZES = [2, 16, 16, 1];
const ALPHA = 1e-4;
const data = moons(100, { noise: 0.1, seed: 1337 });
const labels = data.y.map((c) => 2 * c - 1);
/** micrograd scales the summed hinge losses by 1/n (a product, not a division). */
const DATA_SCALE = 1 / data.x.length;
const learningRate = (k: number) => 1.0 - (0.9 * k) / STEPS;

export type Workload = (weights: Float64Array, steps?: number) => number;

/** The initial weights, in MLP.parameters() order: per neuron its weights, then its bias. */
export function initialWeights(): Float64Array {
  return Float64Array.from(new MLP(2, SIZES.slice(1), { seed: 1 }).parameters().map((p) => p.data));
}

function freshModel(weights: Float64Array): MLP {
  const model = new MLP(2, SIZES.slice(1), { seed: 1 });
  model.parameters().forEach((p, i) => (p.data = weights[i]));
  return model;
}

/**
 * The loss as a user writes it in a script: natural arithmetic, numbers mixed with Values, and
 * `loss = loss + term` accumulation (as Python's sum() does in micrograd's demo).
 */
function naturalLoss(model: MLP): Value {
  let dataLoss: Value | number = 0;
  for (let s = 0; s < data.x.length; s++) {
    const score = model.forward(data.x[s])[0];
    dataLoss = dataLoss + (1 - labels[s] * score).relu();
  }
  let squares: Value | number = 0;
  for (const p of model.parameters()) squares = squares + p * p;
  return (dataLoss * DATA_SCALE + ALPHA * squares) as Value;
}

/** The same loss with each sum made as one node by Value.sum. */
function summedLoss(model: MLP): Value {
  const margins = data.x.map((x, s) => (1 - labels[s] * model.forward(x)[0]).relu());
  const squares = Value.sum(model.parameters().map((p) => p * p));
  return Value.sum(margins) * DATA_SCALE + ALPHA * squares;
}

/** gradscript eager: a new graph each step, then backward(). */
function eager(loss: (model: MLP) => Value): Workload {
  return (weights, steps = STEPS) => {
    const model = freshModel(weights);
    const parameters = model.parameters();
    let last = 0;
    for (let k = 0; k < steps; k++) {
      const total = loss(model);
      for (const p of parameters) p.grad = 0;
      total.backward();
      for (const p of parameters) p.data -= learningRate(k) * p.grad;
      last = total.data;
    }
    return last;
  };
}

export const eagerNatural = eager(naturalLoss);
export const eagerSummed = eager(summedLoss);

/** gradscript Tape: the natural-arithmetic graph recorded once, replayed each step. */
export function tape(weights: Float64Array, steps = STEPS): number {
  const model = freshModel(weights);
  const parameters = model.parameters();
  const recorded = Tape.record(naturalLoss(model));
  let loss = 0;
  for (let k = 0; k < steps; k++) {
    loss = recorded.forward();
    for (const p of parameters) p.grad = 0;
    recorded.backward();
    for (const p of parameters) p.data -= learningRate(k) * p.grad;
  }
  return loss;
}

/** One layer of the hand-written network: flat row-major weights, and its gradients beside them. */
interface FlatLayer {
  inputs: number;
  outputs: number;
  /** weights[j * inputs + i] is neuron j's weight for input i. */
  weights: Float64Array;
  biases: Float64Array;
  weightGrads: Float64Array;
  biasGrads: Float64Array;
  /** Every point's outputs of this layer, point after point (kept for the backward pass). */
  activations: Float64Array;
  /** The loss's derivative by this layer's outputs, for the point being backpropagated. */
  deltas: Float64Array;
}

/** How many points the forward pass carries at once: four independent sums keep the CPU busy. */
const LANES = 4;

/**
 * The floor: the same network and loss by hand over flat Float64Arrays, no graph at all.
 * It performs the engine's floating-point operations in the engine's order (which is what makes
 * the losses agree bit for bit): a neuron sums 0 + bias + Σ w·x left to right; backward takes
 * the L2 term first (p·α twice, as p*p's two operands), then the points from last to first,
 * and within a point the neurons of a layer from last to first. It skips only work that adds
 * zero (a point whose margin is not positive, a neuron whose ReLU is off), and runs the forward
 * pass four points at a time, each point's sums still in their own order.
 */
export function handWritten(weights: Float64Array, steps = STEPS): number {
  const points = data.x.length;
  if (points % LANES !== 0) throw new Error(`the floor needs a multiple of ${LANES} points`);
  const layers: FlatLayer[] = SIZES.slice(1).map((outputs, l) => ({
    inputs: SIZES[l],
    outputs,
    weights: new Float64Array(outputs * SIZES[l]),
    biases: new Float64Array(outputs),
    weightGrads: new Float64Array(outputs * SIZES[l]),
    biasGrads: new Float64Array(outputs),
    activations: new Float64Array(points * outputs),
    deltas: new Float64Array(outputs),
  }));
  let at = 0;
  for (const layer of layers) {
    for (let j = 0; j < layer.outputs; j++) {
      for (let i = 0; i < layer.inputs; i++) layer.weights[j * layer.inputs + i] = weights[at++];
      layer.biases[j] = weights[at++];
    }
  }
  const inputs = Float64Array.from(data.x.flat());
  const last = layers.length - 1;
  const scores = layers[last].activations;
  const margins = new Float64Array(points);
  let loss = 0;
  for (let k = 0; k < steps; k++) {
    let input: Float64Array = inputs;
    for (let l = 0; l <= last; l++) {
      const { inputs: n, outputs, weights: w, biases: b, activations: out } = layers[l];
      const relu = l < last;
      for (let s = 0; s < points; s += LANES) {
        const x = s * n;
        for (let j = 0; j < outputs; j++) {
          let z0 = 0 + b[j];
          let z1 = z0;
          let z2 = z0;
          let z3 = z0;
          for (let i = 0, row = j * n; i < n; i++) {
            const wi = w[row + i];
            z0 += wi * input[x + i];
            z1 += wi * input[x + n + i];
            z2 += wi * input[x + 2 * n + i];
            z3 += wi * input[x + 3 * n + i];
          }
          const o = s * outputs + j;
          out[o] = !relu || z0 > 0 ? z0 : 0;
          out[o + outputs] = !relu || z1 > 0 ? z1 : 0;
          out[o + 2 * outputs] = !relu || z2 > 0 ? z2 : 0;
          out[o + 3 * outputs] = !relu || z3 > 0 ? z3 : 0;
        }
      }
      input = out;
    }
    let dataLoss = 0;
    for (let s = 0; s < points; s++) {
      const margin = 1 - labels[s] * scores[s];
      margins[s] = margin > 0 ? margin : 0;
      dataLoss += margins[s];
    }
    let squares = 0;
    for (const { weights: w, biases: b, weightGrads, biasGrads, inputs: n, outputs } of layers) {
      for (let j = 0; j < outputs; j++) {
        for (let i = j * n; i < (j + 1) * n; i++) {
          squares += w[i] * w[i];
          weightGrads[i] = 0 + w[i] * ALPHA + w[i] * ALPHA;
        }
        squares += b[j] * b[j];
        biasGrads[j] = 0 + b[j] * ALPHA + b[j] * ALPHA;
      }
    }
    loss = dataLoss * DATA_SCALE + ALPHA * squares;

    for (let s = points - 1; s >= 0; s--) {
      if (margins[s] === 0) continue; // relu passes no gradient: every term below adds zero
      layers[last].deltas[0] = labels[s] * -DATA_SCALE;
      for (let l = last; l >= 0; l--) {
        const {
          inputs: n,
          outputs,
          weights: w,
          weightGrads,
          biasGrads,
          activations,
          deltas,
        } = layers[l];
        const below = l > 0 ? layers[l - 1] : undefined;
        const input = below ? below.activations : inputs;
        const x = s * n;
        below?.deltas.fill(0);
        for (let j = outputs - 1; j >= 0; j--) {
          const d = l === last || activations[s * outputs + j] > 0 ? deltas[j] : 0;
          if (d === 0) continue;
          biasGrads[j] += d;
          const row = j * n;
          for (let i = 0; i < n; i++) weightGrads[row + i] += input[x + i] * d;
          if (below) for (let i = 0; i < n; i++) below.deltas[i] += w[row + i] * d;
        }
      }
    }
    for (const { weights: w, biases: b, weightGrads, biasGrads } of layers) {
      for (let i = 0; i < w.length; i++) w[i] -= learningRate(k) * weightGrads[i];
      for (let j = 0; j < b.length; j++) b[j] -= learningRate(k) * biasGrads[j];
    }
  }
  return loss;
}

/** The straightforward micrograd port, on the same work. */
export function port(weights: Float64Array, steps = STEPS): number {
  let at = 0;
  const layers = SIZES.slice(1).map((n, l) =>
    Array.from({ length: n }, () => {
      const ws = Array.from({ length: SIZES[l] }, () => new PortValue(weights[at++]));
      return { w: ws, b: new PortValue(weights[at++]) };
    }),
  );
  const parameters = layers.flatMap((layer) => layer.flatMap((n) => [...n.w, n.b]));
  let loss = 0;
  for (let k = 0; k < steps; k++) {
    const scores = data.x.map((x) => {
      let input: (PortValue | number)[] = x;
      layers.forEach((layer, l) => {
        input = layer.map((n) => {
          let act = n.b;
          n.w.forEach((wi, i) => (act = act.add(wi.mul(input[i]))));
          return l < layers.length - 1 ? act.relu() : act;
        });
      });
      return input[0] as PortValue;
    });
    const losses = scores.map((s, i) => s.mul(-labels[i]).add(1).relu());
    const dataLoss = losses.reduce((sum, x) => sum.add(x), new PortValue(0)).mul(DATA_SCALE);
    const squares = parameters.reduce((sum, p) => sum.add(p.mul(p)), new PortValue(0));
    const total = dataLoss.add(squares.mul(ALPHA));
    for (const p of parameters) p.grad = 0;
    total.backward();
    for (const p of parameters) p.data -= learningRate(k) * p.grad;
    loss = total.data;
  }
  return loss;
}
