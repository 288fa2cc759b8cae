/**
 * Your own points from CSV text, read by the library's CSV reader with its messages (the line,
 * the column, the cell), as `gradscript train --csv` reads a file. Loaded only when a CSV is
 * read: the parser is not part of the page's start.
 */
import { parseCsv } from '../../src/data/csv-text';
import { rowsOf } from '../../src/data/table';
import { decideTask, encodeClasses } from '../../src/train/task';
import type { Dataset } from '../../src/browser';
import { CLASS_COUNT, OWN_POINTS } from './config';

/** Your points and what the CSV's columns are called, as the page says them. */
export interface OwnPoints {
  data: Dataset;
  /** The CSV's two input columns and its target, and how the target was taken. */
  description: string;
}

/**
 * The points of a CSV of two number columns and a label (classes: whole numbers or names) or a
 * target (a number to predict): the last column, as `gradscript train --csv` takes it.
 */
export function pointsFromCsv(text: string): OwnPoints {
  const table = parseCsv(text);
  const { names } = table;
  // The CSV's columns before any was encoded: a column of text would be one input per category.
  const columns = table.schema?.inputs ?? [];
  if (columns.length !== 2 || columns.some((column) => column.kind !== 'number'))
    throw new Error(
      "expected two columns of numbers, the point's x1 and x2, then its label or target; got " +
        columns.map((c) => (c.kind === 'number' ? c.name : `${c.name} (text)`)).join(', '),
    );
  const inputs = columns.map((column) => column.name);
  const rows = table.target.length;
  if (rows < OWN_POINTS.least || rows > OWN_POINTS.most)
    throw new Error(
      `expected from ${OWN_POINTS.least} to ${OWN_POINTS.most} rows of points, got ${rows}`,
    );
  const task = decideTask(table);
  const classes = task.labels?.length;
  if (classes !== undefined && classes > CLASS_COUNT)
    throw new Error(
      `the label '${names?.target}' has ${classes} classes: the playground draws at most ${CLASS_COUNT}`,
    );
  const encoded = encodeClasses(table, task);
  const data = rowsOf(
    encoded,
    Array.from({ length: rows }, (_, i) => i),
  );
  const target =
    task.kind === 'regression'
      ? `the target ${names?.target}, a number to predict`
      : `the label ${names?.target}: ${task.labels!.map((label, k) => (label === k ? `${k}` : `${label} as class ${k}`)).join(', ')}`;
  const { leftOut } = table;
  const left = leftOut
    ? `; ${leftOut.count} row${leftOut.count === 1 ? '' : 's'} with a missing cell left out ` +
      `(line ${leftOut.lines!.join(', ')}${leftOut.count > leftOut.lines!.length ? ', …' : ''})`
    : '';
  return {
    data,
    description: `${rows} points: x1 is ${inputs[0]}, x2 is ${inputs[1]}, ${target}${left}`,
  };
}
