/**
 * The playground's settings: what each field may hold, read from what was typed, and the
 * gradscript program that trains the same model.
 */
import type { Dataset } from '../../src/browser';

/**
 * The generated data sets, classes then regression, and `yours`: the points of a CSV pasted or
 * uploaded, or added by clicking on the plot.
 */
export const DATASETS = [
  'moons',
  'circles',
  'xor',
  'gaussian',
  'spiral',
  'yinyang',
  'plane',
  'multigauss',
  'yours',
] as const;
/** The data sets whose target is a number to predict, not a class. */
export const REGRESSION_SETS: readonly Config['dataset'][] = ['plane', 'multigauss'];
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear'] as const;
export const LOSSES = ['hinge', 'bce', 'mse', 'crossentropy'] as const;
export const OPTIMIZERS = ['sgd', 'adam'] as const;
/** The inputs the network may be given, each computed from a point's two coordinates. */
export const FEATURES = ['x1', 'x2', 'x1^2', 'x2^2', 'x1x2', 'sinx1', 'sinx2'] as const;
export type Feature = (typeof FEATURES)[number];

/** Each input as the page shows it. */
export const FEATURE_LABELS: Record<Feature, string> = {
  x1: 'x1',
  x2: 'x2',
  'x1^2': 'x1²',
  'x2^2': 'x2²',
  x1x2: 'x1·x2',
  sinx1: 'sin x1',
  sinx2: 'sin x2',
};

/** Each input as the program computes it from x1 and x2: the operations `featuresOf` does. */
const FEATURE_CODE: Record<Feature, string> = {
  x1: 'x1',
  x2: 'x2',
  'x1^2': 'x1 * x1',
  'x2^2': 'x2 * x2',
  x1x2: 'x1 * x2',
  sinx1: 'Math.sin(x1)',
  sinx2: 'Math.sin(x2)',
};

/** The network's inputs at a point, in the order given. */
export function featuresOf(features: readonly Feature[]): (point: readonly number[]) => number[] {
  const one = (feature: Feature, [x1, x2]: readonly number[]): number => {
    switch (feature) {
      case 'x1':
        return x1;
      case 'x2':
        return x2;
      case 'x1^2':
        return x1 * x1;
      case 'x2^2':
        return x2 * x2;
      case 'x1x2':
        return x1 * x2;
      case 'sinx1':
        return Math.sin(x1);
      case 'sinx2':
        return Math.sin(x2);
    }
  };
  return (point) => features.map((feature) => one(feature, point));
}

export interface Config {
  dataset: (typeof DATASETS)[number];
  samples: number;
  noise: number;
  /** The share of the points held out of training to test on; 0 for no test set. */
  testShare: number;
  /** The network's inputs, in order. */
  features: Feature[];
  hidden: number[];
  activation: (typeof ACTIVATIONS)[number];
  loss: (typeof LOSSES)[number];
  optimizer: (typeof OPTIMIZERS)[number];
  lr: number;
  /** The L2 regularisation rate: the loss adds this times every parameter's square; 0 for none. */
  l2: number;
  /** The L1 regularisation rate: the loss adds this times every parameter's size |p|; 0 for none. */
  l1: number;
  /** Training examples per step; 0 for all of them. */
  batchSize: number;
  seed: number;
}

export const defaultConfig: Config = {
  dataset: 'moons',
  samples: 100,
  noise: 0.1,
  testShare: 0.2,
  features: ['x1', 'x2'],
  hidden: [16, 16],
  activation: 'relu',
  loss: 'hinge',
  optimizer: 'sgd',
  lr: 0.1,
  l2: 0,
  l1: 0,
  batchSize: 0,
  seed: 1,
};

/** Each setting as the page labels its field, so that a message names the field one sees. */
export const FIELD_NAMES: Record<keyof Config, string> = {
  dataset: 'data',
  samples: 'points',
  noise: 'noise',
  testShare: 'test share',
  features: 'inputs',
  hidden: 'hidden',
  activation: 'activation',
  loss: 'loss',
  optimizer: 'optimizer',
  lr: 'learning rate',
  l2: 'L2',
  l1: 'L1',
  batchSize: 'batch size',
  seed: 'seed',
};

const SAMPLES = { least: 4, most: 1000 };
/** The fewest and most points of your own the playground trains on, as it generates. */
export const OWN_POINTS = SAMPLES;
/** The most classes the plot has colours for. */
export const CLASS_COUNT = 3;
const NOISE = { least: 0, most: 1 };
/** At most 0.9: a test share of more than that leaves next to nothing to train on. */
const TEST_SHARE = { least: 0, most: 0.9 };
/** The seeds the generators tell apart: they keep a seed's lowest 32 bits. */
const SEEDS = { least: 0, most: 2 ** 32 - 1 };
/**
 * The most weights and biases a network may have. A rebuild takes some 20–40 ms in Chromium at
 * any size up to it; the first step, which records a graph of every point through every weight,
 * takes about 0.3 s at this size with 100 points and 3 s with 1,000.
 */
const MAX_PARAMETERS = 2000;

/** How many classes a data set has; undefined for regression. `own` is the points of `yours`. */
export function classesOf(dataset: Config['dataset'], own?: Dataset): number | undefined {
  if (dataset === 'yours') return own?.classes;
  if (REGRESSION_SETS.includes(dataset)) return undefined;
  return dataset === 'spiral' || dataset === 'yinyang' ? 3 : 2;
}

/**
 * The losses that can train on a data set: hinge, BCE and MSE score one class against another;
 * a number to predict takes MSE alone.
 */
export function lossesFor(dataset: Config['dataset'], own?: Dataset): readonly Config['loss'][] {
  const classes = classesOf(dataset, own);
  if (classes === undefined) return ['mse'];
  return classes > 2 ? ['crossentropy'] : LOSSES;
}

/**
 * How many of the points are held out to test on: as many as gradscript's `split` takes for
 * the test share, which is how the session and the program split them.
 */
export function testCount(config: Pick<Config, 'samples' | 'testShare'>): number {
  return Math.round(config.samples * config.testShare);
}

/** How many outputs the network has: a score per class for cross-entropy, else one. */
function outputsOf(loss: Config['loss'], classes: number | undefined): number {
  return loss === 'crossentropy' ? (classes ?? 1) : 1;
}

/** The weights and biases of the network the settings make: its inputs, the hidden layers, the outputs. */
function parameterCount(
  config: Pick<Config, 'features' | 'hidden' | 'loss'>,
  classes: number | undefined,
): number {
  const outputs = outputsOf(config.loss, classes);
  const sizes = [config.features.length, ...config.hidden, outputs];
  return sizes.slice(1).reduce((sum, size, i) => sum + (sizes[i] + 1) * size, 0);
}

/** What was typed into (or chosen in) each field. */
export type SettingsText = Record<keyof Config, string>;

/** Something wrong with the settings, and the field it is about (none: about no one field). */
export interface Problem {
  field?: keyof Config;
  message: string;
}

export type Parsed = { config: Config } | { problems: Problem[] };

/** A number written out in decimal: not empty, not hexadecimal, not Infinity. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The number a text writes out in decimal; NaN for any other text. */
export function decimal(text: string): number {
  return DECIMAL.test(text.trim()) ? Number(text) : NaN;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * The hidden layers' sizes the hidden field holds: positive whole numbers separated by commas
 * (one at least), or undefined. Says nothing of how many parameters they make.
 */
export function layerSizes(text: string): number[] | undefined {
  const sizes = text.split(',').map(decimal);
  return sizes.every((n) => Number.isInteger(n) && n >= 1) ? sizes : undefined;
}

/**
 * The settings the fields hold, or every field that holds none, each with a message naming the
 * field, what it takes and what was typed. Nothing is bent into range. `own` is the points the
 * data set `yours` stands for, if any.
 */
export function parseSettings(text: SettingsText, own?: Dataset): Parsed {
  const problems: Problem[] = [];
  const refuse = (field: keyof Config, rule: string, detail = '') =>
    problems.push({
      field,
      message: `${FIELD_NAMES[field]} must be ${rule}; got "${text[field]}"${detail}`,
    });
  const fine = (...fields: (keyof Config)[]) =>
    !problems.some((p) => p.field !== undefined && fields.includes(p.field));
  const choice = <T extends string>(field: keyof Config, options: readonly T[]): T => {
    if (!(options as readonly string[]).includes(text[field]))
      refuse(field, `one of ${options.join(', ')}`);
    return text[field] as T;
  };
  const number = (field: keyof Config, rule: string, fits: (n: number) => boolean): number => {
    const n = decimal(text[field]);
    if (!fits(n)) refuse(field, rule);
    return n;
  };
  const whole =
    ({ least, most }: { least: number; most: number }) =>
    (n: number) =>
      Number.isInteger(n) && n >= least && n <= most;

  const dataset = choice('dataset', DATASETS);
  if (dataset === 'yours' && own === undefined)
    refuse('dataset', 'a data set, or yours once a CSV is read or points added on the plot');
  const classes = classesOf(dataset, own);
  // Your points are as many as there are; the field says how many to generate.
  const samples =
    own && dataset === 'yours'
      ? own.x.length
      : number(
          'samples',
          `a whole number from ${count(SAMPLES.least)} to ${count(SAMPLES.most)}`,
          whole(SAMPLES),
        );
  const noise = number(
    'noise',
    `a number from ${NOISE.least} to ${NOISE.most}`,
    (n) => n >= NOISE.least && n <= NOISE.most,
  );
  const testShare = number(
    'testShare',
    `a number from ${TEST_SHARE.least} (no test set) to ${TEST_SHARE.most}`,
    (n) => n >= TEST_SHARE.least && n <= TEST_SHARE.most,
  );
  const trainCount = samples - testCount({ samples, testShare });
  if (fine('samples', 'testShare') && trainCount < 1)
    refuse(
      'testShare',
      'a share that leaves a point to train on',
      `, which leaves none of ${samples}`,
    );
  const named = text.features.split(',').map((name) => name.trim());
  const takenFeatures =
    named.every((name) => (FEATURES as readonly string[]).includes(name)) &&
    new Set(named).size === named.length;
  if (!takenFeatures)
    refuse('features', `one or more of ${FEATURES.join(', ')}, separated by commas, each once`);
  const features = takenFeatures ? (named as Feature[]) : [];
  const sizes = layerSizes(text.hidden);
  if (!sizes) refuse('hidden', 'layer sizes, positive whole numbers separated by commas');
  const hidden = sizes ?? [];
  const activation = choice('activation', ACTIVATIONS);
  const loss = choice('loss', LOSSES);
  const optimizer = choice('optimizer', OPTIMIZERS);
  const lr = number('lr', 'a number greater than 0', (n) => n > 0 && Number.isFinite(n));
  const l2 = number('l2', 'a number of at least 0 (0: none)', (n) => n >= 0 && Number.isFinite(n));
  const l1 = number('l1', 'a number of at least 0 (0: none)', (n) => n >= 0 && Number.isFinite(n));
  // Up to the points trained on: a larger batch would quietly be all of them.
  const [most, which] = fine('samples', 'testShare')
    ? [trainCount, 'the training points']
    : [SAMPLES.most, 'the most points'];
  const batchSize = number(
    'batchSize',
    `a whole number from 0 (all at once) to ${count(most)} (${which})`,
    whole({ least: 0, most }),
  );
  const seed = number(
    'seed',
    `a whole number from ${SEEDS.least} to ${count(SEEDS.most)}`,
    whole(SEEDS),
  );
  if (fine('dataset', 'loss') && !lossesFor(dataset, own).includes(loss)) {
    const of = classes === undefined ? 'a number to predict' : `${classes} classes`;
    refuse('loss', `${lossesFor(dataset, own).join(' or ')} for ${dataset}, of ${of}`);
  }
  if (fine('dataset', 'features', 'hidden', 'loss')) {
    const parameters = parameterCount({ features, hidden, loss }, classes);
    if (parameters > MAX_PARAMETERS)
      refuse(
        'hidden',
        `layer sizes that make at most ${count(MAX_PARAMETERS)} parameters`,
        `, which make ${count(parameters)}`,
      );
  }
  if (problems.length > 0) return { problems };
  return {
    config: {
      dataset,
      samples,
      noise,
      testShare,
      features,
      hidden,
      activation,
      loss,
      optimizer,
      lr,
      l2,
      l1,
      batchSize,
      seed,
    },
  };
}

/** The settings as they would be typed: parsing this gives them back. */
export function textOf(config: Config): SettingsText {
  const text = {} as SettingsText;
  for (const field of Object.keys(FIELD_NAMES) as (keyof Config)[]) {
    const value = config[field];
    text[field] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return text;
}

/** Settings the playground cannot train, each problem with the field it is about. */
export class SettingsError extends Error {
  override name = 'SettingsError';

  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

/** The settings unchanged; throws a SettingsError unless the playground takes them. */
export function checked(config: Config, own?: Dataset): Config {
  const parsed = parseSettings(textOf(config), own);
  if ('problems' in parsed) throw new SettingsError(parsed.problems);
  return config;
}

/**
 * The same training as a gradscript script in natural arithmetic: `npx gradscript run` reaches
 * the loss the playground shows after `steps` steps with these settings.
 */
export function programFor(config: Config, steps: number, own?: Dataset): string {
  const c = checked(config, own);
  const outputs = outputsOf(c.loss, classesOf(c.dataset, own));
  const imports = ['MLP', c.optimizer === 'adam' ? 'Adam' : 'SGD', 'Value'];
  if (c.dataset !== 'yours') imports.push(c.dataset);
  if (c.testShare > 0) imports.push('split');
  if (c.batchSize > 0) imports.push('batches', 'shuffle');
  if (c.loss === 'bce') imports.push('bceWithLogits');
  if (c.loss === 'crossentropy') imports.push('crossEntropy');
  if (c.l2 > 0) imports.push('l2');
  if (c.l1 > 0) imports.push('l1');
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
  if (c.l2 > 0)
    lossLines.push(
      '// L2 regularisation: every weight and bias squared, summed, and scaled by the rate.',
      `loss = loss + l2(model.parameters()) * ${c.l2};`,
    );
  if (c.l1 > 0)
    lossLines.push(
      '// L1 regularisation: every weight and bias by its size |p|, summed, and scaled by the rate.',
      `loss = loss + l1(model.parameters()) * ${c.l1};`,
    );
  const generated =
    c.dataset === 'yours'
      ? ownData(own!)
      : `${c.dataset}(${c.samples}, { noise: ${c.noise}, seed: ${c.seed} })`;
  const plain = c.features.join() === 'x1,x2';
  const points = plain ? 'data' : 'points';
  const data =
    c.testShare > 0
      ? [
          '// Trained on what the playground trains on: the points left once the test share is held out.',
          `const { train: ${points} } = split(${generated}, { test: ${c.testShare}, seed: ${c.seed} });`,
        ]
      : [`const ${points} = ${generated};`];
  if (!plain) {
    const code = c.features.map((f) => FEATURE_CODE[f]);
    const uses = (x: string) => code.some((line) => line.includes(x));
    const coordinates = uses('x2') ? (uses('x1') ? '[x1, x2]' : '[, x2]') : '[x1]';
    data.push(
      `// The network's inputs: ${c.features.map((f) => FEATURE_LABELS[f]).join(', ')}.`,
      `const features = (${coordinates}: number[]) => [${code.join(', ')}];`,
      `const data = { ...${points}, x: ${points}.x.map(features) };`,
    );
  }
  const batchesOf =
    c.batchSize > 0 ? `batches(shuffle(data, ${c.seed} + epoch), ${c.batchSize})` : '[data]';
  return `// Trains what the gradscript playground trained: npx gradscript run this-file.ts
import { ${[...new Set(imports)].join(', ')} } from 'gradscript';

${data.join('\n')}
const model = new MLP(${c.features.length}, [${[...c.hidden, outputs].join(', ')}], { activation: '${c.activation}', seed: ${c.seed} });
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

/** Your points as a data set written out in the program, as the page holds them. */
function ownData({ x, y, classes }: Dataset): string {
  const points = x.map((p) => `[${p.join(', ')}]`).join(', ');
  const of = classes === undefined ? '' : `, classes: ${classes}`;
  return `{\n  x: [${points}],\n  y: [${y.join(', ')}]${of},\n}`;
}
