/**
 * micrograd's demo (demo.ipynb): a 2-16-16-1 ReLU network separates the two moons with the
 * max-margin (hinge) loss plus 1e-4 L2, trained by full-batch SGD with the learning rate falling
 * from 1.0 to 0.1 over 100 steps. Expected: loss about 0.01 and 100% accuracy (micrograd's
 * notebook reaches 0.011 and 100% on its own draw of the moons).
 *
 *   npx gradscript run examples/moons.ts      (GRADSCRIPT_QUICK=1 for 10 steps)
 */
import { MLP, PythonRandom, Value, moons } from '../src';

const steps = process.env.GRADSCRIPT_QUICK === '1' ? 10 : 100;
const { x, y } = moons(100, { noise: 0.1, seed: 1337 });
const labels = y.map((c) => 2 * c - 1); // classes 0 and 1 as -1 and +1
const model = new MLP(2, [16, 16, 1], { random: new PythonRandom(1337) }); // micrograd: random.seed(1337)
const alpha = 1e-4;

function loss(): { total: Value; accuracy: number } {
  const scores = x.map((point) => model.forward(point)[0]);
  const margins = scores.map((score, i) => (1 + -labels[i] * score).relu());
  const dataLoss = Value.sum(margins) / margins.length;
  const regularization = alpha * Value.sum(model.parameters().map((p) => p * p));
  const right = scores.filter((score, i) => score.data > 0 === labels[i] > 0).length;
  return { total: dataLoss + regularization, accuracy: right / scores.length };
}

for (let k = 0; k < steps; k++) {
  const { total, accuracy } = loss();
  model.zeroGrad();
  total.backward();
  const learningRate = 1.0 - (0.9 * k) / steps;
  for (const p of model.parameters()) p.data -= learningRate * p.grad;
  if (k % 10 === 0 || k === steps - 1) {
    console.log(
      `step ${k} loss ${total.data.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(1)}%`,
    );
  }
}
const { total, accuracy } = loss();
console.log(`final loss ${total.data.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(1)}%`);
