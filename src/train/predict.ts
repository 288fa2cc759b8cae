/**
 * A model trained on a CSV, applied to new rows: its columns read by name from another file,
 * encoded as in training (categories one-hot, by the categories saved with the model), and each
 * row written back with its prediction. The model's weights take the data's own units (the
 * standardisation is folded into them), so nothing else is applied.
 */
import * as fs from 'fs';
import { parse } from 'csv-parse';
import { readCsvFile, type ReadColumns } from '../data/csv';
import { Gap, inputsFor, type InputColumn } from '../data/encode';
import { loadTrainedModel } from '../io/model-file';
import type { TrainedFor } from '../io/model-json';
import { LOSSES } from '../losses';
import { sigmoid } from '../math';
import { Predictor, predictedClass } from './loop';

export interface PredictOptions {
  /** A model.json written by training on a CSV. */
  model: string;
  /** The rows to predict: a header and (at least) the model's columns. */
  csv: string;
  /** Where to write the rows with their predictions; standard output when absent. */
  out?: string;
  /** `,`, `;` or `tab`; found from the header line when absent. */
  delimiter?: string;
}

export interface PredictSummary {
  rows: number;
  /** Rows with a missing value in a column the model reads: given an empty prediction. */
  missing: { count: number; lines: number[] };
  /** Rows with a category the model was not trained on: given an empty prediction too. */
  unseen: { count: number; lines: number[]; first?: { column: string; value: string } };
  /** The columns added to each row. */
  added: string[];
}

/** How many of the rows without a prediction are named by line, for each reason. */
const LINES_SHOWN = 5;

/**
 * Writes each row of `csv` with a `prediction` column (a class's label, or a number), and for
 * classes a `probability` when the loss gives one (crossentropy, bce; hinge gives a margin).
 */
export async function predictCsv(options: PredictOptions): Promise<PredictSummary> {
  const { model, trainedFor } = loadTrainedModel(options.model);
  const columns = checkColumns(options.model, trainedFor);
  const { read, inputs } = await modelInputs(options.csv, columns, options.delimiter);
  if (inputs.columns.length !== model.nin) {
    throw new Error(
      `${options.model}: its columns make ${inputs.columns.length} inputs, but the model takes ${model.nin}`,
    );
  }
  const loss = trainedFor.loss ?? 'mse';
  const labels = trainedFor.labels;
  const probabilities = loss === 'crossentropy' || loss === 'bce';
  const predictions: string[] = new Array<string>(read.rows).fill('');
  const confidence: string[] = new Array<string>(read.rows).fill('');
  const decimal = (x: number) => formatNumber(x, read.delimiter);
  new Predictor(model).each(
    read.rows,
    (row, into) => inputs.columns.forEach((column, k) => (into[k] = column[row])),
    (row, outputs) => {
      if (inputs.gaps[row] !== Gap.None) return;
      if (trainedFor.task === 'regression' || labels === undefined) {
        predictions[row] = decimal(outputs[0]);
        return;
      }
      const predicted = predictedClass(loss, outputs);
      predictions[row] = String(labels[predicted]);
      if (probabilities) confidence[row] = decimal(probabilityOf(loss, outputs, predicted));
    },
  );
  const added =
    trainedFor.task === 'classification' && probabilities
      ? ['prediction', 'probability']
      : ['prediction'];
  const rowsWith = (gap: Gap) => {
    const rows: number[] = [];
    inputs.gaps.forEach((g, row) => g === gap && rows.push(row));
    return rows;
  };
  const [missing, unseen] = [rowsWith(Gap.Missing), rowsWith(Gap.UnseenCategory)];
  const shown = [...missing.slice(0, LINES_SHOWN), ...unseen.slice(0, LINES_SHOWN)];
  const lines = await writeRows(
    options,
    read.delimiter,
    added,
    (row) => (added.length === 2 ? [predictions[row], confidence[row]] : [predictions[row]]),
    new Set(shown),
  );
  const linesOf = (rows: number[]) => rows.slice(0, LINES_SHOWN).map((row) => lines.get(row)!);
  return {
    rows: read.rows,
    missing: { count: missing.length, lines: linesOf(missing) },
    unseen: { count: unseen.length, lines: linesOf(unseen), first: inputs.unseen },
    added,
  };
}

/**
 * A file's rows as a model's inputs: its `columns` read by name (others ignored) and encoded as
 * in training, and for each row whether it has them all.
 */
export async function modelInputs(
  file: string,
  columns: readonly InputColumn[],
  delimiter?: string,
): Promise<{ read: ReadColumns; inputs: ReturnType<typeof inputsFor> }> {
  const read = await readCsvFile(file, {
    features: columns.map((c) => c.name),
    noTarget: true,
    kinds: new Map(columns.map((c) => [c.name, c.kind === 'number' ? 'number' : 'text'])),
    delimiter,
  });
  return { read, inputs: inputsFor(read, columns) };
}

function checkColumns(file: string, trainedFor: TrainedFor): InputColumn[] {
  const { columns, loss } = trainedFor;
  if (!Array.isArray(columns) || columns.length === 0) {
    throw new Error(
      `${file} does not say which columns it reads: predict applies a model that gradscript train --csv wrote`,
    );
  }
  const bad = columns.findIndex(
    (c) =>
      typeof c?.name !== 'string' ||
      !(
        c.kind === 'number' ||
        (c.kind === 'categories' &&
          Array.isArray(c.categories) &&
          c.categories.every((x) => typeof x === 'string'))
      ),
  );
  if (bad >= 0) throw new Error(`${file}: columns[${bad}] is not a column it can read`);
  if (loss !== undefined && !LOSSES.includes(loss))
    throw new Error(`${file}: unknown loss '${loss}'`);
  return columns;
}

/** The predicted class's probability: its softmax share, or the sigmoid of a bce logit. */
function probabilityOf(loss: string, outputs: readonly number[], predicted: number): number {
  if (loss === 'bce') {
    const p = sigmoid(outputs[0]);
    return predicted === 1 ? p : 1 - p;
  }
  const shift = Math.max(...outputs);
  const sum = outputs.reduce((total, z) => total + Math.exp(z - shift), 0);
  return Math.exp(outputs[predicted] - shift) / sum;
}

/** A number as the file writes them: with a decimal comma in a file separated by semicolons. */
function formatNumber(x: number, delimiter: string): string {
  const text = String(Number(x.toPrecision(7)));
  return delimiter === ';' ? text.replace('.', ',') : text;
}

/**
 * Writes the file's records again, each with the cells `cells(row)` added, to `out` (written
 * aside and renamed into place, so that it is never half written) or to standard output.
 * Returns the line of each row in `wanted`.
 */
async function writeRows(
  options: PredictOptions,
  delimiter: string,
  added: string[],
  cells: (row: number) => string[],
  wanted: ReadonlySet<number>,
): Promise<Map<number, number>> {
  const aside = options.out === undefined ? undefined : `${options.out}.${process.pid}.partial`;
  const sink = aside === undefined ? process.stdout : fs.createWriteStream(aside);
  const lines = new Map<number, number>();
  const write = (text: string) =>
    sink.write(text)
      ? Promise.resolve()
      : new Promise<void>((resolve) => sink.once('drain', () => resolve()));
  try {
    const records = fs
      .createReadStream(options.csv)
      .pipe(parse({ skip_empty_lines: true, trim: true, bom: true, delimiter, info: true }));
    let record = 0;
    for await (const { record: cellsOfRecord, info } of records as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const extra = record === 0 ? added : cells(record - 1);
      if (wanted.has(record - 1)) lines.set(record - 1, info.lines);
      await write(
        [...cellsOfRecord, ...extra].map((c) => quoted(c, delimiter)).join(delimiter) + '\n',
      );
      record++;
    }
    if (aside !== undefined) {
      await new Promise<void>((resolve, reject) =>
        (sink as fs.WriteStream).end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      fs.renameSync(aside, options.out!);
    }
  } catch (error) {
    if (aside !== undefined) fs.rmSync(aside, { force: true });
    if ((error as NodeJS.ErrnoException).syscall)
      throw new Error(`cannot write ${options.out}: ${(error as Error).message}`);
    throw error;
  }
  return lines;
}

/** A cell as CSV writes it: quoted when it holds the delimiter, a quote or a line break. */
function quoted(cell: string, delimiter: string): string {
  return cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}
