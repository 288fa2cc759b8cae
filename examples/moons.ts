/**
 * micrograd's demo (demo.ipynb): a 2-16-16-1 ReLU network separates the two moons with the
 * max-margin (hinge) loss plus 1e-4 L2, trained by full-batch SGD with the learning rate falling
 * from 1.0 to 0.1 over 100 steps. Expected: loss about 0.01 and 100% accuracy (micrograd's
 * notebook reaches 0.011 and 100% on its own draw of the moons).
 *
 * The graph has the same shape every step, so it is recorded once on a Tape and replayed
 * (about 15 times faster); pass --eager to rebuild it every step as micrograd does. Both give
 * the same numbers.
 *
 *   npx gradscript run examples/moons.ts [--eager]      (GRADSCRIPT_QUICK=1 for 10 steps)
 */
import { MLP, PythonRandom, Tape, Value, moons } from 'gradscript';

const steps = process.env.GRADSCRIPT_QUICK === '1' ? 10 : 100;
const eager = process.argv.includes('--eager');
const { x, y } = moons(100, { noise: 0.1, seed: 1337 });
const labels = y.map((c) => 2 * c - 1); // classes 0 and 1 as -1 and +1
const model = new MLP(2, [16, 16, 1], { random: new PythonRandom(1337) }); // micrograd: random.seed(1337)
const alpha = 1e-4;

/** The loss's graph, and the scores in it (for the accuracy). */
function loss(): { total: Value; scores: Value[] } {
  const scores = x.map((point) => model.forward(point)[0]);
  const margins = scores.map((score, i) => (1 + -labels[i] * score).relu());
  const dataLoss = Value.sum(margins) / margins.length;
  const regularization = alpha * Value.sum(model.parameters().map((p) => p * p));
  return { total: dataLoss + regularization, scores };
}

const recorded = loss();
const tape = Tape.record(recorded.total);

/** One forward and backward pass: a new graph when eager, the recorded one replayed otherwise. */
function pass(): { total: number; accuracy: number } {
  model.zeroGrad();
  const { total, scores } = eager ? loss() : recorded;
  if (eager) total.backward();
  else {
    tape.forward();
    tape.backward();
  }
  const score = (s: Value) => (eager ? s.data : tape.read(s));
  const right = scores.filter((s, i) => score(s) > 0 === labels[i] > 0).length;
  return { total: eager ? total.data : tape.read(total), accuracy: right / scores.length };
}

for (let k = 0; k < steps; k++) {
  const { total, accuracy } = pass();
  const learningRate = 1.0 - (0.9 * k) / steps;
  for (const p of model.parameters()) p.data -= learningRate * p.grad;
  if (k % 10 === 0 || k === steps - 1) {
    console.log(`step ${k} loss ${total.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(1)}%`);
  }
}
const { total, accuracy } = pass();
console.log(`final loss ${total.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(1)}%`);
