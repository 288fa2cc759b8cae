/** The playground's settings, and the gradscript program that trains the same model. */
export const DATASETS = ['moons', 'circles', 'xor', 'spiral', 'yinyang'] as const;
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid'] as const;
export const LOSSES = ['hinge', 'bce', 'mse', 'crossentropy'] as const;
export const OPTIMIZERS = ['sgd', 'adam'] as const;

export interface Config {
  dataset: (typeof DATASETS)[number];
  samples: number;
  noise: number;
  hidden: number[];
  activation: (typeof ACTIVATIONS)[number];
  loss: (typeof LOSSES)[number];
  optimizer: (typeof OPTIMIZERS)[number];
  lr: number;
  /** Examples per step; 0 for the whole set. */
  batchSize: number;
  seed: number;
}

export const defaultConfig: Config = {
  dataset: 'moons',
  samples: 100,
  noise: 0.1,
  hidden: [16, 16],
  activation: 'relu',
  loss: 'hinge',
  optimizer: 'sgd',
  lr: 0.1,
  batchSize: 0,
  seed: 1,
};

/** How many classes a data set has: the multi-class ones need the cross-entropy loss. */
export function classesOf(dataset: Config['dataset']): number {
  return dataset === 'spiral' || dataset === 'yinyang' ? 3 : 2;
}

/** Settings as the playground can train them: the loss fitted to the classes, sizes checked. */
export function normalize(config: Config): Config {
  const loss =
    classesOf(config.dataset) > 2
      ? 'crossentropy'
      : config.loss === 'crossentropy'
        ? 'hinge'
        : config.loss;
  const hidden = config.hidden.filter((n) => Number.isInteger(n) && n > 0);
  if (hidden.length === 0) throw new Error('give at least one hidden layer size');
  if (!(config.lr > 0 && Number.isFinite(config.lr)))
    throw new Error(`the learning rate must be a positive number, got ${config.lr}`);
  if (!Number.isInteger(config.samples) || config.samples < 4)
    throw new Error(`the sample count must be a whole number of at least 4, got ${config.samples}`);
  return { ...config, loss, hidden };
}

/**
 * The same training as a gradscript script in natural arithmetic: `npx gradscript run` reaches
 * the loss the playground shows after `steps` steps with these settings.
 */
export function programFor(settings: Config, steps: number): string {
  const c = normalize(settings);
  const outputs = c.loss === 'crossentropy' ? classesOf(c.dataset) : 1;
  const generator = c.dataset === 'spiral' ? 'spiral' : c.dataset;
  const imports = ['MLP', c.optimizer === 'adam' ? 'Adam' : 'SGD', 'Value', generator];
  if (c.batchSize > 0) imports.push('batches', 'shuffle');
  if (c.loss === 'bce') imports.push('bceWithLogits');
  if (c.loss === 'crossentropy') imports.push('crossEntropy');
  const lossLines = {
    hinge: [
      'const scores = batch.x.map((x) => model.forward(x)[0]);',
      '// The max-margin loss: labels 0 and 1 as -1 and +1.',
      'loss = Value.sum(scores.map((s, i) => (1 - (2 * batch.y[i] - 1) * s).relu())) / scores.length;',
    ],
    mse: [
      'const scores = batch.x.map((x) => model.forward(x)[0]);',
      'loss = Value.sum(scores.map((s, i) => (s - batch.y[i]) ** 2)) / scores.length;',
    ],
    bce: ['loss = bceWithLogits(batch.x.map((x) => model.forward(x)[0]), batch.y);'],
    crossentropy: ['loss = crossEntropy(batch.x.map((x) => model.forward(x)), batch.y);'],
  }[c.loss];
  const batchesOf =
    c.batchSize > 0 ? `batches(shuffle(data, ${c.seed} + epoch), ${c.batchSize})` : '[data]';
  return `// Trains what the gradscript playground trained: npx gradscript run this-file.ts
import { ${[...new Set(imports)].join(', ')} } from 'gradscript';

const data = ${generator}(${c.samples}, { noise: ${c.noise}, seed: ${c.seed} });
const model = new MLP(2, [${[...c.hidden, outputs].join(', ')}], { activation: '${c.activation}', seed: ${c.seed} });
const optimizer = new ${c.optimizer === 'adam' ? 'Adam' : 'SGD'}(model.parameters(), { lr: ${c.lr} });
const steps = ${steps};

let loss = new Value(0);
for (let step = 0, epoch = 0; step < steps; epoch++) {
  for (const batch of ${batchesOf}) {
    if (step++ === steps) break;
    ${lossLines.join('\n    ')}
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  }
}
console.log(\`loss \${loss.data}\`);
`;
}
