import {
  MLP,
  SGD,
  Value,
  crossEntropy,
  TrainingJob,
  gradcheck,
  lossOf,
  moons,
  regression,
  spiral,
  train,
  type LossName,
} from '../src';

describe('train', () => {
  test.each(['hinge', 'bce', 'crossentropy', 'mse'] as LossName[])(
    'with %s, the tape and the eager engine give the same history, step for step',
    (loss) => {
      const data = loss === 'crossentropy' ? spiral(30, { seed: 2 }) : moons(30, { seed: 2 });
      const outputs = loss === 'crossentropy' ? 3 : 1;
      const run = (engine: 'tape' | 'eager') => {
        const model = new MLP(2, [6, outputs], { seed: 3, activation: 'tanh' });
        const history = train({
          model,
          data,
          loss,
          optimizer: new SGD(model.parameters(), { lr: 0.3 }),
          steps: 15,
          l2: 1e-3,
          engine,
        });
        return { history, weights: model.parameters().map((p) => p.data) };
      };
      const [tape, eager] = [run('tape'), run('eager')];
      if (loss !== 'crossentropy') return expect(tape).toEqual(eager);
      // crossEntropy subtracts the largest logit, a constant the tape keeps from its recording:
      // the same loss mathematically, rounded a little differently.
      tape.weights.forEach((w, i) => expect(w).toBeCloseTo(eager.weights[i], 12));
      tape.history.forEach((h, i) => expect(h.loss).toBeCloseTo(eager.history[i].loss, 12));
    },
  );

  test('mini-batches cycle through shuffled data, on a tape replayed per batch size as eager steps do', () => {
    const data = moons(40, { seed: 1 });
    const run = (engine: 'tape' | 'eager', loss: LossName = 'hinge') => {
      const model = new MLP(2, [4, 1], { seed: 1 });
      const seen: number[] = [];
      const history = train({
        model,
        data,
        loss,
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        // 40 rows in batches of 16: 16, 16, 8, then a new epoch.
        steps: 5,
        batchSize: 16,
        engine,
        onStep: (s) => seen.push(s.step),
      });
      return { seen, history, weights: model.parameters().map((p) => p.data) };
    };
    const tape = run('tape');
    expect(tape.seen).toEqual([0, 1, 2, 3, 4]);
    expect(tape).toEqual(run('eager'));
    expect(run('tape', 'mse')).toEqual(run('eager', 'mse'));
    // BCE's tape has no branch on the logit's sign: the same function, its terms in another order.
    const [bceTape, bceEager] = [run('tape', 'bce'), run('eager', 'bce')];
    bceTape.history.forEach((h, i) => expect(h.loss).toBeCloseTo(bceEager.history[i].loss, 12));
    bceTape.weights.forEach((w, i) => expect(w).toBeCloseTo(bceEager.weights[i], 12));
    // Cross-entropy picks each row's labelled logit: a graph of its own per batch.
    const model = new MLP(2, [4, 2], { seed: 1 });
    expect(() =>
      train({
        model,
        data,
        loss: 'crossentropy',
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        batchSize: 16,
        engine: 'tape',
      }),
    ).toThrow(/the tape replays one graph shape, and the crossentropy loss makes a different one/);
  });

  test.each([
    [
      { loss: 'crossentropy' as const },
      'the crossentropy loss needs a model with 2 outputs, this one has 1',
    ],
    [{ steps: 0 }, 'steps must be a positive whole number, got 0'],
    [{ l2: NaN }, 'l2 must be a finite number of at least 0, got NaN'],
    [
      { data: spiral(9, { seed: 1 }) },
      'the hinge loss is for two classes, but the data has 3: use crossentropy',
    ],
    [{ loss: 'l1' as never }, "unknown loss 'l1': expected one of hinge, bce, crossentropy, mse"],
    [
      { model: new MLP(3, [1], { seed: 1 }) },
      'the model takes 3 inputs, but the data has rows of 2',
    ],
  ])('bad settings: %#', (override, message) => {
    const model = new MLP(2, [4, 1], { seed: 1 });
    expect(() =>
      train({
        model,
        data: moons(10),
        loss: 'hinge',
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        ...override,
      }),
    ).toThrow(message);
  });
});

describe('gradcheck', () => {
  test('agrees with backward() on an MLP’s cross-entropy, and leaves the weights as they were', () => {
    const model = new MLP(2, [5, 3], { seed: 2, activation: 'tanh' });
    const data = spiral(12, { seed: 2 });
    const weights = model.parameters().map((p) => p.data);
    const loss = () =>
      crossEntropy(
        data.x.map((x) => model.forward(x)),
        data.y,
      );
    const result = gradcheck(loss, model.parameters());
    expect(result.checks).toHaveLength(weights.length);
    expect(result.maxRelativeError).toBeLessThan(1e-6);
    expect(model.parameters().map((p) => p.data)).toEqual(weights);
  });

  test('catches a wrong derivative', () => {
    const p = new Value(1.5);
    // p² whose backward claims the derivative is 3p instead of 2p.
    const square = () =>
      new Value(p.data ** 2, '', [p], 'square', function (this: Value) {
        this.children[0].grad += 3 * this.children[0].data * this.grad;
      });
    const { checks, maxRelativeError } = gradcheck(square, [p]);
    expect(checks[0].analytic).toBeCloseTo(4.5, 12);
    expect(checks[0].numeric).toBeCloseTo(3, 6);
    expect(maxRelativeError).toBeCloseTo(1 / 3, 6);
  });
});

describe('TrainingJob', () => {
  test.each([
    ['hinge', () => moons(40, { seed: 4 })],
    ['bce', () => moons(40, { seed: 4 })],
    ['crossentropy', () => spiral(20, { seed: 4 })],
    ['mse', () => regression(40, { seed: 4 })],
  ] as const)('with %s, evaluate() finds the row lossOf says is worst', (loss, data) => {
    const job = new TrainingJob(data(), { loss, hidden: [6], steps: 5, lr: 0.05 });
    for (let i = 0; i < 5; i++) job.step();
    const { columns, target } = job.data;
    const losses = Array.from(target, (t, row) => {
      const x = columns.map((c) => c[row]);
      return lossOf(loss, [job.model.forward(x)], [t]).data;
    });
    const worst = losses.indexOf(Math.max(...losses));
    expect(job.evaluate().worst).toBe(worst);
  });

  test('the learning-rate schedule, batches and steps follow the data size', () => {
    const small = new TrainingJob(moons(200, { seed: 1 }), {});
    expect([small.batchSize, small.steps, small.engine]).toEqual([200, 100, 'tape']);
    const large = new TrainingJob(moons(3000, { seed: 1 }), { epochs: 2 });
    expect([large.batchSize, large.steps]).toEqual([32, 2 * Math.ceil(3000 / 32)]);
    const insisted = new TrainingJob(moons(3000, { seed: 1 }), { batchSize: 'full', steps: 1 });
    expect(insisted.batchSize).toBe(3000);
  });
});
