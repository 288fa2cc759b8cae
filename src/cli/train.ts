/**
 * `gradscript train`: the options of a training job (src/train/node-job.ts), and what it says
 * while and after it runs. The training itself, and the writing of its files, is the library's.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { isOtherBase, readDecimal } from '../data/decimal';
import { DATASETS, type DatasetName } from '../data/index';
import { IMPUTE } from '../data/encode';
import { rowCount } from '../data/table';
import { ACTIVATIONS, INITS, type Activation, type Init } from '../nn';
import {
  CSV_DEFAULTS,
  FULL_BATCH_ROWS,
  JOB_DEFAULTS,
  OPTIMIZERS,
  type HeldOutFigures,
  type JobSettings,
  type TrainingJob,
} from '../train/job';
import { LOSSES } from '../losses';
import { ENGINES, type StepInfo } from '../train/loop';
import { TrainingInterrupted, runTrainingJob, type DataSource } from '../train/node-job';
import { TASKS, describeTask } from '../train/task';

interface TrainFlags extends Omit<JobSettings, 'hidden'> {
  dataset: DatasetName;
  csv?: string;
  target?: string;
  features?: string[];
  ignore?: string[];
  impute?: (typeof IMPUTE)[number];
  delimiter?: string;
  samples: number;
  noise?: number;
  hidden: number[];
  activation: Activation;
  init?: Init;
  out: string;
  onnx?: boolean | string;
}

/** The exit status of a run ended by a signal: 128 + its number, as shells report it. */
const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

const SIGNALS = Object.keys(SIGNAL_EXIT) as (keyof typeof SIGNAL_EXIT)[];

export function trainCommand(): Command {
  return new Command('train')
    .description(
      'train an MLP and write loss.svg, boundary.svg, graph.svg and model.json (and model.onnx)',
    )
    .addOption(
      new Option('--dataset <name>', 'a generated data set').choices(DATASETS).default('moons'),
    )
    .option(
      '--csv <file>',
      'train on a CSV file instead: a header row, then numbers and categories; missing cells (empty, NA, NaN, ?) leave their row out',
    )
    .option('--target <column>', 'the CSV column to predict (the last one by default)')
    .option(
      '--features <columns>',
      'the CSV columns to learn from, comma-separated (all others by default)',
      names,
    )
    .option('--ignore <columns>', 'CSV columns to leave out, comma-separated', names)
    .addOption(
      new Option(
        '--impute <how>',
        'fill a missing input with its column mean, rather than leave the row out',
      ).choices(IMPUTE),
    )
    .option(
      '--delimiter <char>',
      "the CSV's delimiter: ',', ';' or 'tab' (found from the header by default)",
    )
    .option(
      '--test-share <x>',
      `the share of rows held out to test on, chosen by the seed (default ${CSV_DEFAULTS.testShare} for --csv, 0 otherwise)`,
      number,
    )
    .addOption(
      new Option(
        '--task <name>',
        'auto: whole-number targets are classes, others a number to predict',
      )
        .choices(TASKS)
        .default(JOB_DEFAULTS.task),
    )
    .option('--samples <n>', 'how many points to generate', positive, 100)
    .option('--noise <x>', 'gaussian noise added to the generated points', number)
    .option('--hidden <sizes>', 'hidden layer sizes, comma-separated', sizes, [
      ...JOB_DEFAULTS.hidden,
    ])
    .addOption(
      new Option('--activation <name>', 'hidden activation')
        .choices(ACTIVATIONS)
        .default(JOB_DEFAULTS.activation),
    )
    .addOption(
      new Option(
        '--init <name>',
        `weight initialization (default: ${JOB_DEFAULTS.init}; for --csv he with relu, else xavier)`,
      ).choices(INITS),
    )
    .addOption(
      new Option(
        '--loss <name>',
        'loss (default: hinge for two classes, bce for --csv; crossentropy for more; mse for regression)',
      ).choices(LOSSES),
    )
    .addOption(
      new Option(
        '--optimizer <name>',
        `optimizer (default: ${JOB_DEFAULTS.optimizer}; ${CSV_DEFAULTS.optimizer} for --csv)`,
      ).choices(OPTIMIZERS),
    )
    .option(
      '--lr <rate>',
      "learning rate (default: micrograd's 1 - 0.9·step/steps for sgd on classes, 0.01 for adam or mse)",
      number,
    )
    .option('--momentum <m>', 'momentum for sgd', number)
    .option(
      '--l2 <alpha>',
      `weight of the L2 penalty on the parameters (default ${JOB_DEFAULTS.l2}; ${CSV_DEFAULTS.l2} for --csv)`,
      number,
    )
    .option('--l1 <alpha>', 'weight of the L1 penalty on the parameters (default 0: none)', number)
    .option(
      `--steps <n>`,
      `optimizer steps (default ${JOB_DEFAULTS.steps}; for --csv up to ${CSV_DEFAULTS.steps}, stopping early once the loss of held-out training rows, measured every 10 steps or so, has not improved ${CSV_DEFAULTS.patience} times running)`,
      positive,
    )
    .option('--epochs <n>', 'passes over the data, instead of --steps', positive)
    .option(
      '--batch-size <n>',
      `examples per step, or 'full' (default: all up to ${FULL_BATCH_ROWS} rows, 32 above)`,
      batchSize,
    )
    .option(
      '--seed <n>',
      'seed for the data, the weights and the batches',
      whole,
      JOB_DEFAULTS.seed,
    )
    .addOption(
      new Option(
        '--engine <name>',
        'tape: record the graph once and replay it; eager: rebuild it each step',
      )
        .choices(ENGINES)
        .default(JOB_DEFAULTS.engine),
    )
    .option(
      '--detect-anomaly',
      'stop at the first operation or gradient that is NaN or infinite, and name it (eager engine)',
    )
    .option('--out <dir>', 'output folder', 'out')
    .option(
      '--onnx [file]',
      'also write the model in ONNX, for ONNX Runtime and other tools (model.onnx in --out by default)',
    )
    .action(async (flags: TrainFlags) => train(flags));
}

async function train(flags: TrainFlags): Promise<void> {
  for (const [flag, value] of [
    ['--target', flags.target],
    ['--features', flags.features],
    ['--ignore', flags.ignore],
    ['--impute', flags.impute],
    ['--delimiter', flags.delimiter],
  ] as const) {
    if (value !== undefined && flags.csv === undefined)
      throw new Error(`${flag} is about the --csv file: give --csv FILE too`);
  }
  const { csv, target, features, ignore, impute, delimiter } = flags;
  const data: DataSource = csv
    ? { csv, target, features, ignore, impute, delimiter }
    : { dataset: flags.dataset, samples: flags.samples, noise: flags.noise };
  // The first Ctrl-C stops the run between two steps and keeps the previous files; a second one
  // ends the process at once.
  const interrupt = new AbortController();
  let progress: Progress | undefined;
  let exitCode: number | undefined;
  const onSignal = (signal: keyof typeof SIGNAL_EXIT) => {
    exitCode = SIGNAL_EXIT[signal];
    if (!interrupt.signal.aborted) return interrupt.abort();
    progress?.stop();
    process.exit(exitCode);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  try {
    const result = await runTrainingJob({
      ...flags,
      data,
      signal: interrupt.signal,
      onReady: (job) => {
        describeJob(job, flags);
        progress = reporter(job.steps);
      },
      onStep: (info) => progress?.update(info),
    }).finally(() => progress?.stop());
    const { job, seconds, accuracy, test, written } = result;
    // The step whose weights the model keeps: the last, or early stopping's best.
    const kept = job.keptStep ?? job.history.length;
    const final = job.history[kept - 1];
    if (job.stoppedEarly)
      console.log(
        `stopped early at step ${job.stoppedEarly.step}: the held-out training rows' loss was lowest at step ${kept}, whose weights are kept`,
      );
    else if (kept < job.history.length)
      console.log(
        `kept the weights of step ${kept}, where the held-out training rows' loss was lowest`,
      );
    console.log(
      `trained MLP(${job.model.nin}, [${job.model.nouts.join(', ')}]) for ${job.history.length} steps in ${seconds.toFixed(1)} s`,
    );
    console.log(`wrote ${written.join(', ')}`);
    console.log(`loss ${final.loss.toFixed(4)}`);
    if (accuracy !== undefined) console.log(`accuracy ${(100 * accuracy).toFixed(1)}%`);
    if (test !== undefined) printTest(test);
  } catch (error) {
    if (!(error instanceof TrainingInterrupted)) throw error;
    console.error(`gradscript: ${error.message}`);
    process.exitCode = exitCode;
  } finally {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  }
}

/** The test rows' figures, beside the training ones. */
function printTest(test: HeldOutFigures): void {
  console.log(`test loss ${test.loss.toFixed(4)} (${test.rows} rows held out)`);
  if (test.accuracy !== undefined)
    console.log(`test accuracy ${(100 * test.accuracy).toFixed(1)}%`);
  if (test.r2 !== undefined) console.log(`test R² ${test.r2.toFixed(3)}`);
  if (test.mae !== undefined) console.log(`test mean absolute error ${test.mae.toPrecision(4)}`);
}

/** What is about to be trained, and on what: the task and classes, the model, the batches. */
function describeJob(job: TrainingJob, flags: TrainFlags): void {
  const rows = job.rows.train.length;
  console.log(`task: ${describeTask(job.task)}`);
  const { leftOut, columns } = job.data;
  if (leftOut !== undefined) {
    const more = leftOut.count > (leftOut.lines?.length ?? 0) ? ', …' : '';
    console.log(
      `left out ${leftOut.count} row${leftOut.count === 1 ? '' : 's'} with a missing value ` +
        `(line${leftOut.count === 1 ? '' : 's'} ${leftOut.lines?.join(', ')}${more}); --impute mean fills missing inputs in instead`,
    );
  }
  const { validation, test } = job.rows;
  if (validation.length + test.length > 0) {
    const parts = [`${rows} to train on`];
    if (validation.length > 0) parts.push(`${validation.length} held out to stop early`);
    if (test.length > 0) parts.push(`${test.length} to test on`);
    console.log(`rows: ${rowCount(job.data)}, ${parts.join(', ')}`);
  }
  if (job.standardization !== undefined)
    console.log(
      `inputs standardised by the training rows' means and standard deviations${job.standardization.targetMean === undefined ? '' : ', and the target too'}: ${columns.length} inputs`,
    );
  const batches =
    job.batchSize === rows
      ? 'all rows each step'
      : `mini-batches of ${job.batchSize}` +
        (flags.batchSize === undefined
          ? ` (more than ${FULL_BATCH_ROWS} rows; --batch-size full for all at once)`
          : '');
  console.log(
    `training MLP(${job.model.nin}, [${job.model.nouts.join(', ')}]) with the ${job.loss} loss on ${rows} rows, ${batches}, ${job.rows.validation.length > 0 ? 'up to ' : ''}${job.steps} steps on the ${job.engine} engine`,
  );
}

interface Progress {
  update: (info: StepInfo) => void;
  /** Ends the bar and gives the terminal back as it was; safe to call twice. */
  stop: () => void;
}

/** A live bar on a terminal; plain lines, ten in all, when not (or under CI). */
function reporter(steps: number): Progress {
  const format = (info: StepInfo) =>
    `loss ${info.loss.toFixed(4)}` +
    (info.accuracy === undefined ? '' : ` accuracy ${(100 * info.accuracy).toFixed(1)}%`);
  // The bar draws on stderr, so it is stderr that must be a terminal.
  if (process.stderr.isTTY && !process.env.CI) {
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

function number(text: string): number {
  return decimal(text, 'a number');
}

/** A number as people write them: decimal only, `0x10` and `Infinity` refused. */
function decimal(text: string, what: string): number {
  const n = readDecimal(text.trim());
  if (n === undefined) {
    const base = isOtherBase(text) ? ' (numbers are read in decimal)' : '';
    throw new InvalidArgumentError(`expected ${what}, got '${text}'${base}`);
  }
  return n;
}

function whole(text: string): number {
  const n = decimal(text, 'a whole number');
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`expected a whole number, got '${text}'`);
  return n;
}

function positive(text: string): number {
  const n = whole(text);
  if (n < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, got '${text}'`);
  return n;
}

function names(text: string): string[] {
  return text.split(',').map((name) => name.trim());
}

function batchSize(text: string): number | 'full' {
  return text === 'full' ? 'full' : positive(text);
}

function sizes(text: string): number[] {
  return text.split(',').map((s) => {
    const n = readDecimal(s.trim());
    if (n === undefined || !Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`hidden sizes must be positive whole numbers, got '${text}'`);
    return n;
  });
}
