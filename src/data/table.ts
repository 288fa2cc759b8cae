/**
 * Data held as typed columns: a million rows of a few numbers is a few Float64Arrays, where the
 * same rows as arrays of arrays would be a million small objects for the garbage collector.
 */
import type { Dataset } from './datasets';
import type { CsvSchema } from './encode';

export interface Table {
  /** One column per input feature, each as long as `target`. */
  columns: Float64Array[];
  /** One per row: a class index (0, 1, …) for classification, a number for regression. */
  target: Float64Array;
  /** How many classes, for classification sets. */
  classes?: number;
  /** The columns' names, when the data came with a header. */
  names?: { columns: string[]; target: string };
  /** For a target of text: class k's name. */
  classNames?: string[];
  /** For a CSV: how its columns became the inputs, to be read the same way to predict. */
  schema?: CsvSchema;
  /** For a CSV: its rows left out for a missing cell, how many and the first few's records and lines. */
  leftOut?: { count: number; records: number[]; lines?: number[] };
}

export function isTable(data: Dataset | Table): data is Table {
  return 'columns' in data;
}

/** A data set as a Table (a Table is returned as it is). */
export function tableOf(data: Dataset | Table): Table {
  if (isTable(data)) return data;
  const width = data.x[0]?.length ?? 0;
  const ragged = data.x.findIndex((row) => row.length !== width);
  if (ragged >= 0)
    throw new Error(`row ${ragged} has ${data.x[ragged].length} inputs, row 0 has ${width}`);
  if (data.y.length !== data.x.length)
    throw new Error(`the data has ${data.x.length} rows of inputs but ${data.y.length} targets`);
  const columns = Array.from({ length: width }, (_, k) => Float64Array.from(data.x, (r) => r[k]));
  return { columns, target: Float64Array.from(data.y), classes: data.classes };
}

export function rowCount(table: Table): number {
  return table.target.length;
}

/** Row `i`'s inputs, written into `into` when given. */
export function rowOf(table: Table, i: number, into: number[] = []): number[] {
  for (let k = 0; k < table.columns.length; k++) into[k] = table.columns[k][i];
  return into;
}

/** The rows at `indices`, in that order, as a Table of their own. */
export function subset(table: Table, indices: readonly number[]): Table {
  const pick = (column: Float64Array) => Float64Array.from(indices, (i) => column[i]);
  return { ...table, columns: table.columns.map(pick), target: pick(table.target) };
}

/** The rows at `indices` as a small Dataset: a batch, or a sample to draw. */
export function rowsOf(table: Table, indices: ArrayLike<number>): Dataset {
  const x: number[][] = [];
  const y: number[] = [];
  for (let j = 0; j < indices.length; j++) {
    x.push(rowOf(table, indices[j]));
    y.push(table.target[indices[j]]);
  }
  return { x, y, classes: table.classes };
}

/** The smallest and largest entry of a column, in one pass (no spread: columns are long). */
export function rangeOf(column: ArrayLike<number>): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < column.length; i++) {
    if (column[i] < low) low = column[i];
    if (column[i] > high) high = column[i];
  }
  return [low, high];
}
