// Trains a small MLP on XOR-like points with the method API and prints loss and accuracy.
import { MLP, Random, Value } from '../src';

const random = new Random(42);
const xs = Array.from({ length: 64 }, () => [random.uniform(-1, 1), random.uniform(-1, 1)]);
const ys = xs.map(([a, b]) => (a * b > 0 ? 1 : -1));

const model = new MLP(2, [8, 8, 1], { seed: 1, activation: 'tanh' });
for (let step = 0; step < 200; step++) {
  const scores = xs.map((x) => model.forward(x)[0]);
  const losses = scores.map((s, i) => s.mul(-ys[i]).radd(1).relu());
  const loss = Value.sum(losses).div(xs.length);
  model.zeroGrad();
  loss.backward();
  for (const p of model.parameters()) p.data -= 0.1 * p.grad;
  if (step % 50 === 0 || step === 199) {
    const correct = scores.filter((s, i) => s.data > 0 === ys[i] > 0).length;
    console.log(
      `step ${step} loss ${loss.data.toFixed(4)} accuracy ${((100 * correct) / xs.length).toFixed(1)}%`,
    );
  }
}
