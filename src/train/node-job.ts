/**
 * A training job run end to end in Node: the data read (a generated set, or a CSV file as a
 * stream), the job trained, and its charts, graph and model written to an output folder all at
 * once. The `train` command is this plus its options and its printing.
 */
import type { Dataset } from '../data/datasets';
import { loadCsv, type CsvOptions } from '../data/csv';
import { dataset, type DatasetName } from '../data/index';
import type { Table } from '../data/table';
import { saveOnnx } from '../io/onnx-file';
import { saveModel } from '../io/model-file';
import { MAX_REGION_CLASSES, boundaryChart, lossChart, renderChart } from '../viz/plots';
import { writeSvg } from '../viz/render';
import * as fs from 'fs';
import * as path from 'path';
import {
  JOB_DEFAULTS,
  TrainingJob,
  withCsvDefaults,
  type HeldOutFigures,
  type JobSettings,
} from './job';
import type { StepInfo } from './loop';
import { OutputFolder } from './output-folder';

/** What a run writes, in this order; a run that writes fewer removes the others it finds. */
export const ARTIFACTS = [
  'loss.svg',
  'boundary.svg',
  'graph.svg',
  'model.json',
  'model.onnx',
] as const;

export type DataSource =
  | { dataset: DatasetName; samples?: number; noise?: number }
  | ({ csv: string } & Omit<CsvOptions, 'signal'>)
  | Dataset
  | Table;

export interface TrainingRunOptions extends JobSettings {
  data: DataSource;
  /** The folder for loss.svg, boundary.svg, graph.svg and model.json; none is written without it. */
  out?: string;
  /** Also write the model in ONNX (see saveOnnx): `true` for model.onnx in `out`, or a file. */
  onnx?: boolean | string;
  /** Aborting it stops the run between two steps; it then rejects with a TrainingInterrupted. */
  signal?: AbortSignal;
  /** Called once the data is read and the task, model and batches are decided. */
  onReady?: (job: TrainingJob) => void;
  onStep?: (info: StepInfo) => void;
}

export interface TrainingRunResult {
  job: TrainingJob;
  /** Seconds spent in the training loop. */
  seconds: number;
  /** On the rows trained on, for classification. */
  accuracy?: number;
  /** On the test rows, when some were held out. */
  test?: HeldOutFigures;
  /** The files written, in --out. */
  written: string[];
}

/** The run was aborted (Ctrl-C, say); the output folder keeps what it had. */
export class TrainingInterrupted extends Error {
  override name = 'TrainingInterrupted';

  constructor(
    readonly step: number,
    readonly steps: number | undefined,
    readonly out: string | undefined,
    /** The files of an earlier run that the output folder still holds, unchanged. */
    readonly kept: readonly string[],
  ) {
    const when = steps === undefined ? 'before training' : `at step ${step} of ${steps}`;
    const what =
      out === undefined
        ? 'nothing was written'
        : kept.length > 0
          ? `${out} keeps its previous ${kept.join(', ')}, unchanged`
          : `nothing was written to ${out}`;
    super(`interrupted ${when}: ${what}`);
  }
}

/**
 * Reads the data, trains and writes the files. A CSV file is trained with CSV_DEFAULTS for the
 * settings not given: standardised inputs, Adam, He initialisation, a test share and early
 * stopping; the generated sets with micrograd's settings.
 */
export async function runTrainingJob(given: TrainingRunOptions): Promise<TrainingRunResult> {
  const options = 'csv' in given.data ? withCsvDefaults(given) : given;
  TrainingJob.checkSettings(options);
  const { signal } = options;
  // Opened first: a folder that cannot be written, or one another run is writing, fails at once.
  const onnxFile = typeof options.onnx === 'string' ? checkWritable(options.onnx) : undefined;
  if (options.onnx === true && options.out === undefined) {
    throw new Error('onnx: true writes model.onnx into out: give out too, or a file to write');
  }
  const folder = options.out === undefined ? undefined : OutputFolder.open(options.out);
  let job: TrainingJob | undefined;
  try {
    const data = await load(options.data, options.seed ?? JOB_DEFAULTS.seed, signal);
    signal?.throwIfAborted();
    job = new TrainingJob(data, options);
    options.onReady?.(job);
    const started = Date.now();
    await job.run({ signal, onStep: options.onStep });
    const seconds = (Date.now() - started) / 1000;
    const { accuracy, worst } = job.evaluate();
    const test = job.test();
    const written = folder
      ? await writeArtifacts(job, folder, worst, options.onnx === true, signal)
      : [];
    if (onnxFile !== undefined) {
      // Written aside and renamed into place, so that the file is never half a model.
      const aside = `${onnxFile}.${process.pid}.partial`;
      saveOnnx(job.savedModel(), aside);
      fs.renameSync(aside, onnxFile);
      written.push(onnxFile);
    }
    return { job, seconds, accuracy, test, written };
  } catch (error) {
    if (signal?.aborted && !folder?.isCommitted) {
      const kept = folder ? folder.present(ARTIFACTS) : [];
      throw new TrainingInterrupted(job?.history.length ?? 0, job?.steps, options.out, kept);
    }
    throw error;
  } finally {
    folder?.close();
  }
}

/** `file`, once its folder is known to exist and to be writable; before any training. */
function checkWritable(file: string): string {
  const folder = path.dirname(path.resolve(file));
  try {
    fs.accessSync(folder, fs.constants.W_OK);
  } catch (error) {
    throw new Error(`cannot write ${file}: ${(error as Error).message}`);
  }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
    throw new Error(`cannot write ${file}: it is a directory`);
  }
  return file;
}

async function load(
  source: DataSource,
  seed: number,
  signal?: AbortSignal,
): Promise<Dataset | Table> {
  if ('csv' in source) {
    const { csv, ...options } = source;
    return loadCsv(csv, { ...options, signal });
  }
  if ('dataset' in source)
    return dataset(source.dataset, source.samples ?? 100, { noise: source.noise, seed });
  return source;
}

/**
 * The loss chart, with the test rows' loss and accuracy dashed beside the training figures when
 * some were held out (measured every few steps, where the history has them).
 */
function withTestCurves(history: readonly StepInfo[]) {
  const spec = lossChart(history);
  const tested = history.filter((h) => h.testLoss !== undefined);
  if (tested.length === 0) return spec;
  const values = (spec.data as { values: Record<string, unknown>[] }).values;
  for (const value of values) value.rows = 'training';
  for (const { step, testLoss, testAccuracy } of tested) {
    values.push({ step, measure: 'loss', value: testLoss, rows: 'test' });
    if (testAccuracy !== undefined)
      values.push({ step, measure: 'accuracy', value: testAccuracy, rows: 'test' });
  }
  const encoding = spec.encoding as Record<string, unknown>;
  encoding.strokeDash = { field: 'rows', type: 'nominal', title: null };
  return spec;
}

/** Writes the charts, the graph of the worst row's loss and the model, then moves them in together. */
async function writeArtifacts(
  job: TrainingJob,
  folder: OutputFolder,
  worst: number,
  onnx: boolean,
  signal?: AbortSignal,
): Promise<string[]> {
  const names: string[] = [];
  const write = async (name: (typeof ARTIFACTS)[number], make: () => Promise<void> | void) => {
    signal?.throwIfAborted();
    await make();
    names.push(name);
  };
  await write('loss.svg', async () =>
    fs.writeFileSync(folder.path('loss.svg'), await renderChart(withTestCurves(job.history))),
  );
  const labels = job.task.labels;
  if (
    job.data.columns.length === 2 &&
    labels !== undefined &&
    labels.length <= MAX_REGION_CLASSES
  ) {
    await write('boundary.svg', async () => {
      const spec = boundaryChart(job.data, (points) => job.classify(points), {
        classNames: labels.map(String),
      });
      fs.writeFileSync(folder.path('boundary.svg'), await renderChart(spec));
    });
  }
  const model = job.model;
  await write('graph.svg', () =>
    writeSvg(job.rowLoss(worst), folder.path('graph.svg'), { collapse: model, parameters: model }),
  );
  const saved = job.savedModel();
  await write('model.json', () => saveModel(saved, folder.path('model.json'), job.trainedFor()));
  if (onnx) await write('model.onnx', () => saveOnnx(saved, folder.path('model.onnx')));
  signal?.throwIfAborted();
  return folder.commit(names, ARTIFACTS);
}
