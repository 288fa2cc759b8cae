/**
 * `gradscript train`: trains an MLP on a generated data set or a CSV file and writes its
 * charts, the graph of one prediction and the model into an output folder.
 */
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import * as fs from 'fs';
import * as path from 'path';
import { detectAnomaly } from '../anomaly';
import { loadCsv } from '../data/csv';
import type { Dataset } from '../data/datasets';
import { DATASETS, dataset, type DatasetName } from '../data/index';
import { Value } from '../engine';
import { ACTIVATIONS, INITS, MLP, type Activation, type Init } from '../nn';
import { Adam, SGD, type LearningRate, type Optimizer } from '../optim';
import { saveModel } from '../serialize';
import {
  LOSSES,
  accuracy,
  lossOf,
  predictedClass,
  train,
  type LossName,
  type StepInfo,
} from '../train/loop';
import { boundaryChart, lossChart, renderChart } from '../viz/plots';
import { writeSvg } from '../viz/render';

interface TrainFlags {
  dataset: DatasetName;
  csv?: string;
  target?: string;
  samples: number;
  noise?: number;
  hidden: number[];
  activation: Activation;
  init: Init;
  loss?: LossName;
  optimizer: 'sgd' | 'adam';
  lr?: number;
  momentum?: number;
  l2: number;
  steps?: number;
  epochs?: number;
  batchSize?: number;
  seed: number;
  engine: 'auto' | 'tape' | 'eager';
  detectAnomaly?: boolean;
  out: string;
}

export function trainCommand(): Command {
  return new Command('train')
    .description('train an MLP and write loss.svg, boundary.svg, graph.svg and model.json')
    .addOption(
      new Option('--dataset <name>', 'a generated data set').choices(DATASETS).default('moons'),
    )
    .option(
      '--csv <file>',
      'train on a CSV file instead: a header row, numbers, the target in the last column',
    )
    .option('--target <column>', 'the CSV column to predict (the last one by default)')
    .option('--samples <n>', 'how many points to generate', positive, 100)
    .option('--noise <x>', 'gaussian noise added to the generated points', number)
    .option('--hidden <sizes>', 'hidden layer sizes, comma-separated', sizes, [16, 16])
    .addOption(
      new Option('--activation <name>', 'hidden activation').choices(ACTIVATIONS).default('relu'),
    )
    .addOption(
      new Option('--init <name>', 'weight initialization').choices(INITS).default('uniform'),
    )
    .addOption(
      new Option(
        '--loss <name>',
        'loss (default: hinge for two classes, crossentropy for more, mse for regression)',
      ).choices(LOSSES),
    )
    .addOption(
      new Option('--optimizer <name>', 'optimizer').choices(['sgd', 'adam']).default('sgd'),
    )
    .option(
      '--lr <rate>',
      "learning rate (default: micrograd's 1 - 0.9·step/steps for sgd on classes, 0.01 for adam or mse)",
      number,
    )
    .option('--momentum <m>', 'momentum for sgd', number)
    .option('--l2 <alpha>', 'weight of the L2 penalty on the parameters', number, 1e-4)
    .option('--steps <n>', 'optimizer steps (default 100)', positive)
    .option('--epochs <n>', 'passes over the data, instead of --steps', positive)
    .option('--batch-size <n>', 'examples per step (default: all)', positive)
    .option('--seed <n>', 'seed for the data, the weights and the batches', whole, 1337)
    .addOption(
      new Option(
        '--engine <name>',
        'tape: record the graph once and replay it (full batch); eager: rebuild it each step',
      )
        .choices(['auto', 'tape', 'eager'])
        .default('auto'),
    )
    .option(
      '--detect-anomaly',
      'stop at the first operation or gradient that is NaN or infinite, and name it (eager engine)',
    )
    .option('--out <dir>', 'output folder', 'out')
    .action(async (flags: TrainFlags) => runTraining(flags));
}

async function runTraining(flags: TrainFlags): Promise<void> {
  if (flags.target !== undefined && flags.csv === undefined) {
    throw new Error('--target names a column of the --csv file: give --csv FILE too');
  }
  // Make the output folder first: a folder that cannot be written should fail before training, not after.
  try {
    fs.mkdirSync(flags.out, { recursive: true });
  } catch (error) {
    throw new Error(`cannot write to ${flags.out}: ${(error as Error).message}`);
  }
  const data: Dataset = flags.csv
    ? loadCsv(flags.csv, { target: flags.target })
    : dataset(flags.dataset, flags.samples, { noise: flags.noise, seed: flags.seed });
  const classes = data.classes ?? inferClasses(data.y);
  if (classes !== undefined) data.classes = classes;
  const loss: LossName =
    flags.loss ?? (classes === undefined ? 'mse' : classes > 2 ? 'crossentropy' : 'hinge');
  const outputs = loss === 'crossentropy' ? (classes ?? 2) : 1;
  const model = new MLP(data.x[0].length, [...flags.hidden, outputs], {
    activation: flags.activation,
    init: flags.init,
    seed: flags.seed,
  });

  const batchSize = flags.batchSize ?? data.x.length;
  const steps =
    flags.epochs !== undefined
      ? flags.epochs * Math.ceil(data.x.length / batchSize)
      : (flags.steps ?? 100);
  // micrograd's falling rate suits its hinge loss; squared errors on unscaled targets need a small one.
  const lr: LearningRate =
    flags.lr ??
    (flags.optimizer === 'adam' || loss === 'mse'
      ? 0.01
      : (step: number) => 1.0 - (0.9 * step) / steps);
  const optimizer: Optimizer =
    flags.optimizer === 'adam'
      ? new Adam(model.parameters(), { lr })
      : new SGD(model.parameters(), { lr, momentum: flags.momentum });

  const progress = reporter(steps);
  const started = Date.now();
  const run = () =>
    train({
      model,
      data,
      loss,
      optimizer,
      steps,
      batchSize,
      l2: flags.l2,
      seed: flags.seed,
      engine: flags.detectAnomaly ? 'eager' : flags.engine,
      onStep: progress.update,
    });
  const history = flags.detectAnomaly ? detectAnomaly(run) : run();
  progress.stop();
  const seconds = (Date.now() - started) / 1000;

  const written = [path.join(flags.out, 'loss.svg')];
  fs.writeFileSync(written[0], await renderChart(lossChart(history)));
  if (data.x[0].length === 2 && classes !== undefined) {
    const predict = (point: number[]) =>
      predictedClass(
        loss,
        model.forward(point).map((v) => v.data),
      );
    written.push(path.join(flags.out, 'boundary.svg'));
    fs.writeFileSync(written[1], await renderChart(boundaryChart(data.x, data.y, predict)));
  }
  // The graph of one prediction: the loss of the point the model gets most wrong, backpropagated,
  // with named inputs and each neuron as one node.
  const lossAt = (i: number) => lossOf(loss, [model.forward(data.x[i])], [data.y[i]]).data;
  const worst = data.x.reduce((best, _, i) => (lossAt(i) > lossAt(best) ? i : best), 0);
  const inputs = data.x[worst].map((v, i) => new Value(v, `x${i + 1}`));
  const prediction = lossOf(loss, [model.forward(inputs)], [data.y[worst]]);
  prediction.label = `loss of point ${worst}`;
  model.zeroGrad();
  prediction.backward();
  written.push(path.join(flags.out, 'graph.svg'));
  await writeSvg(prediction, written[written.length - 1], { collapse: model, parameters: model });
  written.push(path.join(flags.out, 'model.json'));
  saveModel(model, written[written.length - 1]);

  const final = history[history.length - 1];
  console.log(
    `trained MLP(${model.nin}, [${model.nouts.join(', ')}]) for ${steps} steps in ${seconds.toFixed(1)} s`,
  );
  console.log(`wrote ${written.join(', ')}`);
  console.log(`loss ${final.loss.toFixed(4)}`);
  if (!Number.isFinite(final.loss)) {
    console.error(
      `gradscript: the loss became ${final.loss}: training diverged; try a smaller --lr, or --detect-anomaly to see where`,
    );
    process.exitCode = 1;
  }
  const trainAccuracy = accuracy(model, data, loss);
  if (trainAccuracy !== undefined) console.log(`accuracy ${(100 * trainAccuracy).toFixed(1)}%`);
}

/** A live bar on a terminal; plain lines, ten in all, when not (or under CI). */
function reporter(steps: number): { update: (info: StepInfo) => void; stop: () => void } {
  const format = (info: StepInfo) =>
    `loss ${info.loss.toFixed(4)}` +
    (info.accuracy === undefined ? '' : ` accuracy ${(100 * info.accuracy).toFixed(1)}%`);
  if (process.stdout.isTTY && !process.env.CI) {
    const bar = new SingleBar({ format: 'step {value}/{total} [{bar}] {stats}', hideCursor: true });
    bar.start(steps, 0, { stats: '' });
    return {
      update: (info) => bar.update(info.step + 1, { stats: format(info) }),
      stop: () => bar.stop(),
    };
  }
  const every = Math.max(1, Math.round(steps / 10));
  return {
    update: (info) => {
      if ((info.step + 1) % every === 0 || info.step === 0)
        console.log(`step ${info.step + 1}/${steps} ${format(info)}`);
    },
    stop: () => undefined,
  };
}

/** Whole-number targets with few values are classes; anything else is regression. */
function inferClasses(y: readonly number[]): number | undefined {
  if (!y.every((v) => Number.isInteger(v) && v >= 0)) return undefined;
  const count = Math.max(...y) + 1;
  return count <= 10 ? count : undefined;
}

function whole(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number, got '${text}'`);
  return n;
}

function positive(text: string): number {
  const n = whole(text);
  if (n < 1) throw new Error(`expected a whole number of at least 1, got '${text}'`);
  return n;
}

function number(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n))
    throw new Error(`expected a number, got '${text}'`);
  return n;
}

function sizes(text: string): number[] {
  return text.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`hidden sizes must be positive whole numbers, got '${text}'`);
    return n;
  });
}
