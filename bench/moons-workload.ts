/**
 * micrograd's moons demo as a benchmark: MLP(2, [16, 16, 1]) with ReLU, 100 points, hinge loss
 * plus 1e-4·Σp², 100 full-batch SGD steps at learning rate 1 - 0.9·k/100. Four implementations
 * start from the same weights and must end at the same loss.
 */
import { MLP, Tape, Value, hinge, l2, moons } from '../src';
import { PortValue } from './micrograd-port';

export const STEPS = 100;
const SIZES = [2, 16, 16, 1];
const ALPHA = 1e-4;
const data = moons(100, { noise: 0.1, seed: 1337 });
const labels = data.y.map((c) => 2 * c - 1);
const learningRate = (k: number) => 1.0 - (0.9 * k) / STEPS;

/** The initial weights, in MLP.parameters() order: per neuron its weights, then its bias. */
export function initialWeights(): Float64Array {
  return Float64Array.from(new MLP(2, SIZES.slice(1), { seed: 1 }).parameters().map((p) => p.data));
}

function freshModel(weights: Float64Array): MLP {
  const model = new MLP(2, SIZES.slice(1), { seed: 1 });
  model.parameters().forEach((p, i) => (p.data = weights[i]));
  return model;
}

function modelLoss(model: MLP): Value {
  return hinge(
    data.x.map((x) => model.forward(x)[0]),
    labels,
  ).add(l2(model.parameters()).mul(ALPHA));
}

/** gradscript eager: a new graph each step, then backward(). */
export function eager(weights: Float64Array, steps = STEPS): number {
  const model = freshModel(weights);
  let loss = 0;
  for (let k = 0; k < steps; k++) {
    const total = modelLoss(model);
    model.zeroGrad();
    total.backward();
    for (const p of model.parameters()) p.data -= learningRate(k) * p.grad;
    loss = total.data;
  }
  return loss;
}

/** gradscript Tape: the graph recorded once, replayed each step. */
export function tape(weights: Float64Array, steps = STEPS): number {
  const model = freshModel(weights);
  const parameters = model.parameters();
  const recorded = Tape.record(modelLoss(model));
  let loss = 0;
  for (let k = 0; k < steps; k++) {
    loss = recorded.forward();
    for (const p of parameters) p.grad = 0;
    recorded.backward();
    for (const p of parameters) p.data -= learningRate(k) * p.grad;
  }
  return loss;
}

/** The floor: the same network and loss by hand over Float64Arrays, no graph at all. */
export function handWritten(weights: Float64Array, steps = STEPS): number {
  const w = Float64Array.from(weights);
  const g = new Float64Array(w.length);
  // Offsets of each neuron's weights (its bias follows them), layer by layer.
  const offsets: number[][] = [];
  let at = 0;
  for (let l = 1; l < SIZES.length; l++) {
    offsets.push(
      Array.from({ length: SIZES[l] }, () => ((at += SIZES[l - 1] + 1), at - SIZES[l - 1] - 1)),
    );
  }
  const activations = SIZES.map((n) => new Float64Array(n));
  const deltas = SIZES.map((n) => new Float64Array(n));
  let loss = 0;
  for (let k = 0; k < steps; k++) {
    g.fill(0);
    let total = 0;
    for (let s = 0; s < data.x.length; s++) {
      activations[0].set(data.x[s]);
      for (let l = 1; l < SIZES.length; l++) {
        for (let j = 0; j < SIZES[l]; j++) {
          const o = offsets[l - 1][j];
          let z = w[o + SIZES[l - 1]];
          for (let i = 0; i < SIZES[l - 1]; i++) z += w[o + i] * activations[l - 1][i];
          activations[l][j] = l < SIZES.length - 1 && z <= 0 ? 0 : z;
        }
      }
      const score = activations[SIZES.length - 1][0];
      const margin = 1 - labels[s] * score;
      if (margin <= 0) continue;
      total += margin;
      // Backward through the layers for this point.
      deltas[SIZES.length - 1][0] = -labels[s] / data.x.length;
      for (let l = SIZES.length - 1; l >= 1; l--) {
        deltas[l - 1].fill(0);
        for (let j = 0; j < SIZES[l]; j++) {
          const o = offsets[l - 1][j];
          const d = l < SIZES.length - 1 && activations[l][j] <= 0 ? 0 : deltas[l][j];
          if (d === 0) continue;
          g[o + SIZES[l - 1]] += d;
          for (let i = 0; i < SIZES[l - 1]; i++) {
            g[o + i] += d * activations[l - 1][i];
            deltas[l - 1][i] += d * w[o + i];
          }
        }
      }
    }
    let squares = 0;
    for (let i = 0; i < w.length; i++) {
      squares += w[i] * w[i];
      g[i] += 2 * ALPHA * w[i];
    }
    loss = total / data.x.length + ALPHA * squares;
    for (let i = 0; i < w.length; i++) w[i] -= learningRate(k) * g[i];
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
    const dataLoss = losses.reduce((sum, x) => sum.add(x), new PortValue(0)).mul(1 / losses.length);
    const squares = parameters.reduce((sum, p) => sum.add(p.mul(p)), new PortValue(0));
    const total = dataLoss.add(squares.mul(ALPHA));
    for (const p of parameters) p.grad = 0;
    total.backward();
    for (const p of parameters) p.data -= learningRate(k) * p.grad;
    loss = total.data;
  }
  return loss;
}
