/**
 * NN II (shared/seeds/002, the micrograd lecture): its worked numbers, in natural arithmetic.
 *
 * - The expression L = (a*b + c) * f with a = 4, b = -3, c = 8, f = 2: L = -8, dL/da = -6, dL/db = 8.
 * - The ReLU neuron with x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813735870195432:
 *   o = 0.8814, and the gradients PyTorch prints: x2 1.0, w2 0.0, x1 -3.0, w1 2.0.
 * - The training loop: random.seed(1), MLP(3, [4, 4, 1]), four points, squared error, step 0.01,
 *   100 iterations. With Python's own generator the weights are the lecture's, and the final
 *   loss is the one it prints: 0.0073864224020347095.
 *
 *   npx gradscript run examples/nn2.ts
 */
import { MLP, PythonRandom, Value } from '../src';

const a = new Value(4.0, 'a');
const b = new Value(-3.0, 'b');
const c = new Value(8.0, 'c');
const f = new Value(2.0, 'f');
const L = (a * b + c) * f;
L.backward();
console.log(
  `L = ${L.data}, dL/da = ${a.grad}, dL/db = ${b.grad}, dL/dc = ${c.grad}, dL/df = ${f.grad}`,
);

const x1 = new Value(2.0, 'x1');
const x2 = new Value(0.0, 'x2');
const w1 = new Value(-3.0, 'w1');
const w2 = new Value(1.0, 'w2');
const bias = new Value(6.8813735870195432, 'b');
const o = (x1 * w1 + x2 * w2 + bias).relu();
o.backward();
console.log(
  `o = ${o.data}; x2.grad ${x2.grad}, w2.grad ${w2.grad}, x1.grad ${x1.grad}, w1.grad ${w1.grad}`,
);

const xs = [
  [2.0, 3.0, -1.0],
  [3.0, -1.0, 0.5],
  [0.5, 1.0, 1.0],
  [1.0, 1.0, -1.0],
];
const ys = [1.0, 0.0, 0.0, 1.0];
const model = new MLP(3, [4, 4, 1], { random: new PythonRandom(1) });
const stepSize = 0.01;
let loss = new Value(0);
for (let k = 0; k < 100; k++) {
  const predictions = xs.map((x) => model.forward(x)[0]);
  loss = Value.sum(predictions.map((prediction, i) => (prediction - ys[i]) ** 2));
  model.zeroGrad();
  loss.backward();
  for (const p of model.parameters()) p.data += -stepSize * p.grad;
}
console.log(`Final Loss:  ${loss.data}`);
