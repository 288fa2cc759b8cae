/**
 * The curvature of a small network's loss, by Hessian-vector products (`hvp`: the gradient of
 * the gradient times a vector, one double backward, never the whole Hessian).
 *
 * A 2-8-1 tanh MLP's mean squared error on 40 points of the two moons, at its initial weights:
 * - the curvature along the gradient, d·Hd for the unit direction d, against the second
 *   difference of the loss along d: they agree to about 6 digits;
 * - the step that curvature suggests, |g| / (d·Hd) (the minimum of the quadratic along d), and
 *   the loss after it, against the loss the quadratic predicts;
 * - the sharpest direction, the Hessian's largest eigenvalue λ, by power iteration on hvp. A
 *   gradient descent step larger than 2/λ makes the loss grow along that direction.
 *
 *   npx gradscript run examples/curvature.ts
 */
import { MLP, PythonRandom, Value, grad, hvp, moons } from 'gradscript';

const { x, y } = moons(40, { noise: 0.1, seed: 7 });
const targets = y.map((c) => 2 * c - 1); // classes 0 and 1 as -1 and +1
const model = new MLP(2, [8, 1], { activation: 'tanh', random: new PythonRandom(7) });
const parameters = model.parameters();

function loss(): Value {
  const scores = x.map((point) => model.forward(point)[0]);
  return Value.sum(scores.map((score, i) => (score - targets[i]) ** 2)) / scores.length;
}

const dot = (a: number[], b: number[]) => a.reduce((sum, ai, i) => sum + ai * b[i], 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));
/** The loss and its gradient with the parameters moved by t along `direction`; they are put back. */
function along(direction: number[], t: number): { loss: number; gradient: number[] } {
  const weights = parameters.map((p) => p.data);
  parameters.forEach((p, i) => (p.data += t * direction[i]));
  const moved = loss();
  const gradient = grad(moved, parameters).map((g) => g.data);
  parameters.forEach((p, i) => (p.data = weights[i]));
  return { loss: moved.data, gradient };
}

const L = loss();
const gradient = grad(L, parameters).map((g) => g.data);
const slope = norm(gradient);
const d = gradient.map((g) => g / slope);
const curvature = dot(d, hvp(L, parameters, d));
const e = 1e-4;
const secondDifference = (along(d, e).loss - 2 * L.data + along(d, -e).loss) / (e * e);
console.log(
  `MLP 2-8-1 (tanh), ${parameters.length} parameters, mean squared error on ${x.length} moons: loss ${L.data.toFixed(6)}, gradient norm ${slope.toFixed(6)}`,
);
console.log(
  `curvature along the gradient: ${curvature.toFixed(6)} by hvp, ${secondDifference.toFixed(6)} by the loss's second difference`,
);

const step = slope / curvature;
const predicted = L.data - step * slope + 0.5 * curvature * step * step;
console.log(
  `a step of |g|/curvature = ${step.toFixed(4)} down the gradient: loss ${L.data.toFixed(6)} -> ${along(d, -step).loss.toFixed(6)} (the quadratic predicts ${predicted.toFixed(6)})`,
);

// Power iteration: v <- Hv / |Hv| turns v toward the eigenvector of the largest |eigenvalue|.
let v = parameters.map((_, i) => Math.cos(i));
let sharpness = 0;
const iterations = 100;
for (let k = 0; k < iterations; k++) {
  v = v.map((vi) => vi / norm(v));
  const Hv = hvp(L, parameters, v);
  sharpness = dot(v, Hv);
  v = Hv;
}
v = v.map((vi) => vi / norm(v));
const residual = norm(hvp(L, parameters, v).map((Hvi, i) => Hvi - sharpness * v[i]));
console.log(
  `sharpest direction (power iteration, ${iterations} hvp): curvature ${sharpness.toFixed(6)}, |Hv - λv| ${residual.toExponential(1)}; gradient descent is stable there below a step of 2/λ = ${(2 / sharpness).toFixed(4)}`,
);
// Gradient descent along that direction alone, s <- s - t dL/ds from the current weights (s = 0):
// the distance to the line's minimum shrinks by about |1 - tλ| a step, so it grows beyond 2/λ.
for (const factor of [0.9, 1.1]) {
  const t = (factor * 2) / sharpness;
  let s = 0;
  const losses: number[] = [];
  for (let k = 0; k <= 30; k++) {
    const { loss: value, gradient: g } = along(v, s);
    losses.push(value);
    s -= t * dot(g, v);
  }
  const shown = [0, 1, 2, 10, 20, 30].map((k) => `${k}: ${losses[k].toFixed(6)}`).join(', ');
  console.log(`  a step of ${factor} × 2/λ along it, loss after steps ${shown}`);
}
