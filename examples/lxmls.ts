/**
 * The LxMLS lab (shared/seeds/004): a log-linear (softmax) classifier and an MLP trained with
 * the cross-entropy cost, computed in the log domain, by mini-batch SGD (batches of 30; the lab's
 * learning rate 0.05 for the linear model, 0.2 for the MLP here), with the accuracy per epoch; then the gradient check, perturbing one weight at a time.
 * The lab classifies Amazon reviews; this uses a 3-class spiral. Expected: the linear
 * classifier stalls near 50% (a spiral is not linearly separable) while the MLP passes 90%,
 * and the gradient check agrees to about 1e-7 or better.
 *
 *   npx gradscript run examples/lxmls.ts      (GRADSCRIPT_QUICK=1 for 2 epochs)
 */
import { MLP, SGD, crossEntropy, gradcheck, spiral, split, type Dataset } from '../src';

const quick = process.env.GRADSCRIPT_QUICK === '1';
const data = spiral(quick ? 90 : 300, { classes: 3, noise: 0.1, seed: 4 });
const { train, test } = split(data, { test: 0.2, seed: 4 });

function accuracy(model: MLP, set: Dataset): number {
  const right = set.x.filter((x, i) => {
    const scores = model.forward(x).map((v) => v.data);
    return scores.indexOf(Math.max(...scores)) === set.y[i];
  }).length;
  return right / set.x.length;
}

function fit(name: string, model: MLP, epochs: number, learningRate: number): void {
  const sgd = new SGD(model.parameters(), { lr: learningRate });
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let start = 0; start < train.x.length; start += 30) {
      const x = train.x.slice(start, start + 30);
      const loss = crossEntropy(
        x.map((row) => model.forward(row)),
        train.y.slice(start, start + 30),
      );
      sgd.zeroGrad();
      loss.backward();
      sgd.step();
    }
    if (epoch % Math.max(1, Math.floor(epochs / 5)) === 0 || epoch === epochs) {
      console.log(
        `${name} epoch ${epoch}: train ${(100 * accuracy(model, train)).toFixed(1)}%, test ${(100 * accuracy(model, test)).toFixed(1)}%`,
      );
    }
  }
}

fit('log-linear', new MLP(2, [3], { seed: 4 }), quick ? 2 : 20, 0.05);
const mlp = new MLP(2, [16, 16, 3], { activation: 'tanh', seed: 4 });
fit('MLP', mlp, quick ? 2 : 100, 0.2);

// The gradient check: nudge each of the first layer's weights and compare slopes.
const batch = { x: train.x.slice(0, 20), y: train.y.slice(0, 20) };
const check = gradcheck(
  () =>
    crossEntropy(
      batch.x.map((row) => mlp.forward(row)),
      batch.y,
    ),
  mlp.parameters(),
  { indices: [0, 1, 2, 5, 40, 100] },
);
console.log(
  `gradient check: largest relative error ${check.maxRelativeError.toExponential(2)} over ${check.checks.length} weights`,
);
