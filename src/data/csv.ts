/**
 * Your own data from CSV as people have it: a header row, then numbers, categories (text) and
 * missing cells, separated by commas, semicolons or tabs. Files are read as a stream into typed
 * columns (numbers as Float64Arrays, text as codes of its distinct values), so their size is
 * bounded by the columns, not by the text; encode.ts then turns the columns into a Table.
 * Every refusal names the line, the column and the cell.
 */
import * as fs from 'fs';
import { pipeline } from 'stream/promises';
import { parse } from 'csv-parse';
import { CsvRecordError, encodeColumns } from './encode';
import type { Table } from './table';
import {
  ColumnsBuilder,
  checkDelimiter,
  describe,
  parserOptions,
  sniffDelimiter,
  type CsvOptions,
  type CsvSelection,
  type NumberedRecord,
  type ReadColumns,
} from './csv-text';

export { parseCsv } from './csv-text';
export type { CsvOptions, CsvSelection, ReadColumn, ReadColumns } from './csv-text';

/** Reads a CSV file as a stream into a Table. Errors name the file, the line and the column. */
export async function loadCsv(file: string, options: CsvOptions = {}): Promise<Table> {
  const read = await readCsvFile(file, options);
  let table: Table;
  try {
    table = encodeColumns(read, options);
  } catch (error) {
    throw await locatedInFile(file, error, read.delimiter);
  }
  const records = table.leftOut?.records ?? [];
  if (records.length === 0) return table;
  const lines = await linesInFile(file, records, read.delimiter);
  return { ...table, leftOut: { ...table.leftOut!, lines: records.map((r) => lines.get(r)!) } };
}

/** The selected columns of a file, as read; for encoding into a Table, or a model's inputs. */
export async function readCsvFile(file: string, selection: CsvSelection): Promise<ReadColumns> {
  let delimiter: string;
  try {
    delimiter = checkDelimiter(selection.delimiter) ?? sniffDelimiter(firstLine(file));
  } catch (error) {
    throw failure(file, error);
  }
  const columns = new ColumnsBuilder(selection, delimiter);
  // Leaving a `for await` loop over a stream by an exception destroys the stream with an
  // AbortError, and pipeline rejects with the first error it sees: that one, "The operation was
  // aborted", not the cell's. The loop's own error is kept, to be the one reported.
  let refusal: unknown;
  try {
    await pipeline(
      fs.createReadStream(file),
      parse(parserOptions(delimiter)),
      async (records: AsyncIterable<string[]>) => {
        try {
          for await (const record of records) columns.add(record);
        } catch (error) {
          refusal = error;
          throw error;
        }
      },
      { signal: selection.signal },
    );
    return columns.finish();
  } catch (error) {
    throw await locatedInFile(file, refusal ?? error, delimiter);
  }
}

/** The error as the user sees it: the file, then where and what. */
export async function locatedInFile(
  file: string,
  error: unknown,
  delimiter: string,
): Promise<Error> {
  if ((error as Error).name === 'AbortError') return error as Error; // asked for: not the file's fault
  // A failed system call (open, read) comes with its name; everything else is the content's fault.
  if ((error as NodeJS.ErrnoException).syscall) return failure(file, error);
  const records = error instanceof CsvRecordError ? [error.record] : [];
  const lines = await linesInFile(file, records, delimiter);
  return new Error(`${file}: ${describe(error, (record) => lines.get(record)!)}`);
}

function failure(file: string, error: unknown): Error {
  if ((error as NodeJS.ErrnoException).syscall)
    return new Error(`cannot read ${file}: ${(error as Error).message}`);
  return new Error(`${file}: ${(error as Error).message}`);
}

/**
 * The line each of `records` ends on, found by parsing the file again up to the last of them.
 * Not a pipeline: stopping before the end of the file is what this wants, and pipeline would
 * reject for it (a premature close).
 */
async function linesInFile(
  file: string,
  records: readonly number[],
  delimiter: string,
): Promise<Map<number, number>> {
  const lines = new Map<number, number>();
  const last = Math.max(-1, ...records);
  if (last < 0) return lines;
  const source = fs.createReadStream(file);
  const parser = source.pipe(parse({ ...parserOptions(delimiter), info: true }));
  try {
    let record = 0;
    for await (const { info } of parser as AsyncIterable<NumberedRecord>) {
      if (records.includes(record)) lines.set(record, info.lines);
      if (record++ === last) break;
    }
  } finally {
    source.destroy();
  }
  return lines;
}

/** The first line of a file (its first 64 kB at most), checked to be UTF-8 rather than UTF-16. */
function firstLine(file: string): string {
  const bytes = Buffer.alloc(1 << 16);
  const fd = fs.openSync(file, 'r');
  try {
    const length = fs.readSync(fd, bytes, 0, bytes.length, 0);
    const start = bytes.subarray(0, length);
    if ((start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff))
      throw new Error('the file is UTF-16 text: save it as UTF-8');
    return start.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
