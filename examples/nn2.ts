/**
 * NN II (shared/seeds/002, the micrograd lecture): its worked numbers, in natural arithmetic.
 *
 * - The expression L = (a*b + c) * f with a = 4, b = -3, c = 8, f = 2: L = -8, dL/da = -6, dL/db = 8.
 * - The ReLU neuron with x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813735870195432:
 *   o = 0.8814, and the gradients PyTorch prints: x2 1.0, w2 0.0, x1 -3.0, w1 2.0.
 * - The linear Neuron(2) and Layer(2, 3) on x = [2, 3], from the weights the lecture prints:
 *   -0.7986044827378151, and [2.075707642189308, 3.317750385687485, 1.3166915978118992].
 *   The lecture drew those weights before its first random.seed call, so no seed gives them back
 *   (seeds 0 to 2,000,000, and the first 200 draws of seeds 0 to 20,000, were searched).
 * - The training loop: random.seed(1), MLP(3, [4, 4, 1]), four points, squared error, step 0.01,
 *   100 iterations. With Python's own generator the weights are the lecture's, and the final
 *   loss is the one it prints, 0.0073864224020347095, as are the last predictions:
 *   1.0120099058492713, 0.07244688900469765, -0.03539087511088844, 0.9727765028706291.
 *
 *   npx gradscript run examples/nn2.ts
 */
import { Layer, MLP, Neuron, PythonRandom, Value } from 'gradscript';

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

const neuron = new Neuron(2, { activation: 'linear', seed: 0 });
[0.13662034202253892, -0.35728172226096433].forEach((w, i) => (neuron.w[i].data = w));
console.log(`${neuron}: ${neuron.forward([2.0, 3.0]).data}`);
const layer = new Layer(2, 3, { activation: 'linear', seed: 0 });
const printed = [
  [-0.15375774313175783, 0.7944077094842745],
  [0.7480309600826056, 0.6072294885074245],
  [-0.5977201965507355, 0.8373773303044567],
];
layer.neurons.forEach((n, j) => n.w.forEach((w, i) => (w.data = printed[j][i])));
console.log(
  `${layer}: ${layer
    .forward([2.0, 3.0])
    .map((v) => v.data)
    .join(', ')}`,
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
let predictions: Value[] = [];
for (let k = 0; k < 100; k++) {
  predictions = xs.map((x) => model.forward(x)[0]);
  loss = Value.sum(predictions.map((prediction, i) => (prediction - ys[i]) ** 2));
  model.zeroGrad();
  loss.backward();
  for (const p of model.parameters()) p.data += -stepSize * p.grad;
}
console.log(`Final Loss:  ${loss.data}`);
console.log(`predictions: ${predictions.map((p) => p.data).join(', ')}`);
