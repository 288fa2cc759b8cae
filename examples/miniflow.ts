/**
 * MiniFlow (shared/seeds/001): Linear -> Sigmoid -> Linear with mean squared error, trained by
 * mini-batch SGD with MiniFlow's settings: 10 hidden units, weights drawn from N(0, 1) and biases
 * at 0, 100 epochs of 506 // 11 = 46 steps, each on 11 rows sampled with replacement (as its
 * `resample` does), learning rate 0.01; the loss averaged per epoch.
 *
 * MiniFlow used the Boston housing data (506 rows, 13 features), which it standardized; this uses
 * gradscript's synthetic regression set of the same shape (see `regression` in
 * src/data/datasets.ts), standardized the same way. MiniFlow only plots its loss; expected here:
 * the loss trends down, from 7.3 in the first epoch to about 0.4 in the last (the targets'
 * variance is 6.5).
 *
 *   npx gradscript run examples/miniflow.ts      (GRADSCRIPT_QUICK=1 for 3 epochs)
 */
import { MLP, Random, SGD, Value, regression } from 'gradscript';

const quick = process.env.GRADSCRIPT_QUICK === '1';
const data = regression(506, { seed: 1 });
const features = data.x[0].length;
// Standardize each feature, as MiniFlow does: (X - mean) / std.
const mean = Array.from(
  { length: features },
  (_, j) => data.x.reduce((s, row) => s + row[j], 0) / data.x.length,
);
const std = mean.map((m, j) =>
  Math.sqrt(data.x.reduce((s, row) => s + (row[j] - m) ** 2, 0) / data.x.length),
);
const x = data.x.map((row) => row.map((v, j) => (v - mean[j]) / std[j]));

const random = new Random(1);
const model = new MLP(features, [10, 1], { activation: 'sigmoid', random });
for (const layer of model.layers) {
  for (const neuron of layer.neurons) for (const w of neuron.w) w.data = random.normal();
}
const sgd = new SGD(model.parameters(), { lr: 0.01 });
const epochs = quick ? 3 : 100;
const batchSize = 11;
const stepsPerEpoch = Math.floor(x.length / batchSize);
for (let epoch = 1; epoch <= epochs; epoch++) {
  let total = 0;
  for (let step = 0; step < stepsPerEpoch; step++) {
    const rows = Array.from({ length: batchSize }, () => random.int(x.length));
    const errors = rows.map((i) => (model.forward(x[i])[0] - data.y[i]) ** 2);
    const loss = Value.sum(errors) / batchSize;
    sgd.zeroGrad();
    loss.backward();
    sgd.step();
    total += loss.data;
  }
  if (epoch <= 3 || epoch % 10 === 0) {
    console.log(`Epoch: ${epoch}, Loss: ${(total / stepsPerEpoch).toFixed(3)}`);
  }
}
