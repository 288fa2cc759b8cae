/** Your own data from CSV text: a header row, numeric cells, one column as the target. */
import * as fs from 'fs';
import { parse } from 'csv-parse/sync';
import type { Dataset } from './datasets';

export interface CsvOptions {
  /** The target column's name; the last column when absent. */
  target?: string;
}

/** Reads a CSV file. Errors name the file and the line. */
export function loadCsv(file: string, options: CsvOptions = {}): Dataset {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return parseCsv(text, options);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

export function parseCsv(text: string, { target }: CsvOptions = {}): Dataset {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, {
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as typeof rows;
  } catch (error) {
    const e = error as Error & { code?: string; lines?: number; record?: unknown[] };
    if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
      throw new Error(
        `line ${e.lines}: expected as many cells as the header has, got ${e.record?.length}`,
      );
    }
    throw new Error(e.message);
  }
  if (rows.length < 2) throw new Error('expected a header row and at least one row of data');
  const header = rows[0].record;
  const targetIndex = target === undefined ? header.length - 1 : header.indexOf(target);
  if (targetIndex < 0)
    throw new Error(`no column named '${target}' (columns: ${header.join(', ')})`);
  const x: number[][] = [];
  const y: number[] = [];
  for (const { record, info } of rows.slice(1)) {
    const numbers = record.map((cell, i) => {
      const value = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(value)) {
        throw new Error(`line ${info.lines}, column '${header[i]}': '${cell}' is not a number`);
      }
      return value;
    });
    y.push(numbers[targetIndex]);
    x.push(numbers.filter((_, i) => i !== targetIndex));
  }
  return { x, y };
}
