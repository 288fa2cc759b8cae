/**
 * A CSV's columns as a model's inputs: numbers as they are, a column of a few categories as one
 * input per category (one-hot), a target of text as classes named by it. The choices are kept
 * (a schema), so that a model reads new rows as it read the rows it learned from. Rows with a
 * missing cell are left out and counted, or their missing inputs take the column's mean.
 */
import type { ReadColumn, ReadColumns } from './csv';
import type { Table } from './table';

/**
 * A problem with one record (the header being record 0), and with one of its cells when
 * `column` is given. The parser tells each record's line only at a cost of twice the parsing
 * time, so the reader finds the line afterwards, by reading up to that record again.
 */
export class CsvRecordError extends Error {
  constructor(
    readonly record: number,
    readonly problem: string,
    readonly column?: string,
  ) {
    super(problem);
  }
}

export const IMPUTE = ['mean'] as const;

export interface EncodeOptions {
  /** `mean`: a missing input takes its column's mean instead of leaving its row out. */
  impute?: (typeof IMPUTE)[number];
}

/** One of the file's columns as inputs: a number, or one input per category. */
export type InputColumn =
  { name: string; kind: 'number' } | { name: string; kind: 'categories'; categories: string[] };

/** How a file's columns became a model's inputs and target: saved with the model. */
export interface CsvSchema {
  inputs: InputColumn[];
  target: string;
}

/** More distinct values than this, and a text column is names or identifiers, not categories. */
export const MAX_CATEGORIES = 50;
/** How many of the rows left out are named by line. */
export const LEFT_OUT_SHOWN = 5;

const DATE = /^\d{4}-\d{1,2}-\d{1,2}([T ].*)?$|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$/;

/** The columns read, with a target first, as a Table. */
export function encodeColumns(read: ReadColumns, options: EncodeOptions = {}): Table {
  const [targetColumn, ...features] = read.columns;
  const inputs = features.map((column) => inputColumn(column, read.rows));
  const { target, classNames } = encodeTarget(targetColumn);
  const keep = new Uint8Array(read.rows).fill(1);
  const leftOut: number[] = [];
  let count = 0;
  for (let row = 0; row < read.rows; row++) {
    const missingInput = options.impute === undefined && features.some((c) => isMissing(c, row));
    if (Number.isNaN(target[row]) || missingInput) {
      keep[row] = 0;
      if (count++ < LEFT_OUT_SHOWN) leftOut.push(row + 1);
    }
  }
  if (count === read.rows) {
    const worst = [...read.columns].sort((a, b) => b.missing - a.missing)[0];
    const where = `'${worst.name}' is missing in ${worst.missing} of ${read.rows} rows`;
    throw new Error(
      worst === targetColumn
        ? `every row has a missing value: the target ${where}`
        : `every row has a missing value (column ${where}): --ignore ${worst.name} to leave it out, or --impute mean to fill it in`,
    );
  }
  const columns = features.flatMap((column, k) => oneHot(column, inputs[k], keep));
  const kept = (values: Float64Array) => values.filter((_, row) => keep[row] === 1);
  return {
    columns,
    target: kept(target),
    classes: classNames?.length,
    classNames,
    names: { columns: inputs.flatMap(inputNames), target: targetColumn.name },
    schema: { inputs, target: targetColumn.name },
    leftOut: count > 0 ? { count, records: leftOut } : undefined,
  };
}

/** The names of a column's inputs: its own, or `column=category` for each category. */
export function inputNames(input: InputColumn): string[] {
  return input.kind === 'number'
    ? [input.name]
    : input.categories.map((category) => `${input.name}=${category}`);
}

/** Why a row read for a model has no inputs: a missing cell, or a category it was not trained on. */
export const Gap = { None: 0, Missing: 1, UnseenCategory: 2 } as const;
export type Gap = (typeof Gap)[keyof typeof Gap];

/**
 * The inputs of every row of a file read for a model (`read` holding the model's columns in the
 * schema's order), each row's gap if it has one (a missing cell first), and the first unseen
 * category met.
 */
export function inputsFor(
  read: ReadColumns,
  inputs: readonly InputColumn[],
): { columns: Float64Array[]; gaps: Uint8Array; unseen?: { column: string; value: string } } {
  const gaps = new Uint8Array(read.rows);
  let unseen: { column: string; value: string } | undefined;
  read.columns.forEach((column, k) => {
    const input = inputs[k];
    const known = input.kind === 'categories' ? new Set(input.categories) : undefined;
    for (let row = 0; row < read.rows; row++) {
      if (isMissing(column, row)) gaps[row] = Gap.Missing;
      else if (known && column.kind === 'text' && !known.has(column.values[column.codes[row]])) {
        unseen ??= { column: column.name, value: column.values[column.codes[row]] };
        if (gaps[row] === Gap.None) gaps[row] = Gap.UnseenCategory;
      }
    }
  });
  const everyRow = new Uint8Array(read.rows).fill(1);
  const columns = read.columns.flatMap((column, k) => oneHot(column, inputs[k], everyRow));
  return { columns, gaps, unseen };
}

function isMissing(column: ReadColumn, row: number): boolean {
  return column.kind === 'number' ? Number.isNaN(column.values[row]) : column.codes[row] < 0;
}

function inputColumn(column: ReadColumn, rows: number): InputColumn {
  if (column.missing === rows)
    throw new Error(
      `column '${column.name}' is empty in every row: --ignore ${column.name} to leave it out`,
    );
  if (column.kind === 'number') return { name: column.name, kind: 'number' };
  refuseDates(column);
  const distinct = column.values.length;
  if (distinct > MAX_CATEGORIES || (distinct > 10 && distinct > rows / 2)) {
    const first = column.first!; // a column with a value in some row, as checked above
    throw new CsvRecordError(
      first.record,
      `'${first.cell}' is one of ${distinct} different values in ${rows} rows, too many to be ` +
        `categories (names or identifiers?): --ignore ${column.name} to leave the column out`,
      column.name,
    );
  }
  return { name: column.name, kind: 'categories', categories: [...column.values].sort() };
}

function refuseDates(column: Extract<ReadColumn, { kind: 'text' }>): void {
  const { first } = column;
  if (first !== undefined && DATE.test(first.cell)) {
    throw new CsvRecordError(
      first.record,
      `'${first.cell}' is a date: gradscript learns from numbers and categories; ` +
        `--ignore ${column.name} to leave the column out`,
      column.name,
    );
  }
}

/** The target as numbers (NaN where missing), or as class indices with the classes' names. */
function encodeTarget(column: ReadColumn): { target: Float64Array; classNames?: string[] } {
  if (column.kind === 'number') return { target: column.values };
  refuseDates(column);
  // How many classes are too many is the task's to say (decideTask).
  const classNames = [...column.values].sort();
  const position = new Map(classNames.map((name, k) => [name, k]));
  const classOf = column.values.map((value) => position.get(value)!);
  const target = Float64Array.from(column.codes, (code) => (code < 0 ? NaN : classOf[code]));
  return { target, classNames };
}

/**
 * A column's inputs over the rows kept: the column itself, or one 0/1 column per category (all
 * 0 for a value that is none of them). A missing cell takes the mean of the column's kept cells
 * (for categories, each one's share).
 */
function oneHot(column: ReadColumn, input: InputColumn, keep: Uint8Array): Float64Array[] {
  const rows = keep.reduce((n, k) => n + k, 0);
  if (column.kind === 'number') {
    const values = new Float64Array(rows);
    let sum = 0;
    let known = 0;
    let i = 0;
    column.values.forEach((value, row) => {
      if (!keep[row]) return;
      values[i++] = value;
      if (!Number.isNaN(value)) [sum, known] = [sum + value, known + 1];
    });
    return [values.map((value) => (Number.isNaN(value) ? sum / known : value))];
  }
  const categories = input.kind === 'categories' ? input.categories : [];
  const indexOf = column.values.map((value) => categories.indexOf(value));
  const columns = categories.map(() => new Float64Array(rows));
  const counts = new Float64Array(categories.length);
  let known = 0;
  let i = 0;
  const missing: number[] = [];
  column.codes.forEach((code, row) => {
    if (!keep[row]) return;
    if (code < 0) missing.push(i);
    else if (indexOf[code] >= 0) {
      columns[indexOf[code]][i] = 1;
      counts[indexOf[code]]++;
      known++;
    }
    i++;
  });
  for (const row of missing) columns.forEach((c, k) => (c[row] = counts[k] / known));
  return columns;
}
