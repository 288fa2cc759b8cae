/**
 * MiniFlow (shared/seeds/001): Linear -> Sigmoid -> Linear with mean squared error, trained by
 * mini-batch SGD, the loss printed per epoch. MiniFlow used the Boston housing data (506 rows,
 * 13 features, normalized); this uses gradscript's synthetic regression set of the same shape
 * (see `regression` in src/data/datasets.ts), standardized the same way. MiniFlow's settings:
 * 10 hidden units, batches of 11, 10 epochs; the loss should fall epoch after epoch.
 *
 *   npx gradscript run examples/miniflow.ts      (GRADSCRIPT_QUICK=1 for 2 epochs on 110 rows)
 */
import { MLP, SGD, Value, batches, regression, shuffle } from '../src';

const quick = process.env.GRADSCRIPT_QUICK === '1';
const data = regression(quick ? 110 : 506, { seed: 1 });
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

const model = new MLP(features, [10, 1], { activation: 'sigmoid', seed: 1 });
const sgd = new SGD(model.parameters(), { lr: 0.01 });
const epochs = quick ? 2 : 10;
for (let epoch = 1; epoch <= epochs; epoch++) {
  let total = 0;
  const parts = batches(shuffle({ x, y: data.y }, epoch), 11);
  for (const batch of parts) {
    const errors = batch.x.map((row, i) => (model.forward(row)[0] - batch.y[i]) ** 2);
    const loss = Value.sum(errors) / errors.length;
    sgd.zeroGrad();
    loss.backward();
    sgd.step();
    total += loss.data;
  }
  console.log(`Epoch: ${epoch}, Loss: ${(total / parts.length).toFixed(3)}`);
}
