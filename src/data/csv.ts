/**
 * Your own data from CSV: a header row, numeric cells, one column as the target. Files are read
 * as a stream into typed columns, so their size is bounded by the columns, not by the text.
 */
import * as fs from 'fs';
import { pipeline } from 'stream/promises';
import { parse, type CsvError, type Info, type Options } from 'csv-parse';
import { parse as parseText } from 'csv-parse/sync';
import { isOtherBase, readDecimal } from './decimal';
import type { Table } from './table';

export interface CsvOptions {
  /** The target column's name; the last column when absent. */
  target?: string;
  /** Stops reading a file when aborted. */
  signal?: AbortSignal;
}

const PARSER_OPTIONS: Options = { skip_empty_lines: true, trim: true, bom: true };

/** Reads a CSV file as a stream. Errors name the file and the line. */
export async function loadCsv(file: string, options: CsvOptions = {}): Promise<Table> {
  const columns = new ColumnsBuilder(options);
  try {
    await pipeline(
      fs.createReadStream(file),
      parse(PARSER_OPTIONS),
      async (records: AsyncIterable<string[]>) => {
        for await (const record of records) columns.add(record);
      },
      { signal: options.signal },
    );
    return columns.finish();
  } catch (error) {
    // A failed system call (open, read) comes with its name; everything else is the content's fault.
    if ((error as NodeJS.ErrnoException).syscall)
      throw new Error(`cannot read ${file}: ${(error as Error).message}`);
    const line = error instanceof CellError ? await lineInFile(file, error.record) : 0;
    throw new Error(`${file}: ${describe(error, line)}`);
  }
}

/** Reads CSV text already in memory. */
export function parseCsv(text: string, options: CsvOptions = {}): Table {
  const columns = new ColumnsBuilder(options);
  try {
    for (const record of parseText(text, PARSER_OPTIONS) as string[][]) columns.add(record);
    return columns.finish();
  } catch (error) {
    const line = error instanceof CellError ? lineInText(text, error.record) : 0;
    throw new Error(describe(error, line));
  }
}

/**
 * A cell that is not a number, in record `record` (the header being record 0). The parser tells
 * each record's line only at a cost of twice the parsing time, so the line is found afterwards,
 * by reading up to that record again.
 */
class CellError extends Error {
  constructor(
    readonly record: number,
    readonly column: string,
    readonly cell: string,
  ) {
    super(`'${cell}' is not a number${isOtherBase(cell) ? ' in decimal' : ''}`);
  }
}

type NumberedRecord = { record: string[]; info: Info };

async function lineInFile(file: string, record: number): Promise<number> {
  let line = 0;
  await pipeline(
    fs.createReadStream(file),
    parse({ ...PARSER_OPTIONS, info: true, to: record + 1 }),
    async (records: AsyncIterable<NumberedRecord>) => {
      for await (const { info } of records) line = info.lines;
    },
  );
  return line;
}

function lineInText(text: string, record: number): number {
  const records = parseText(text, { ...PARSER_OPTIONS, info: true, to: record + 1 });
  return (records as unknown as NumberedRecord[])[record].info.lines;
}

/** The error as one line: which line and column, and what is wrong. */
function describe(error: unknown, line: number): string {
  if (error instanceof CellError) return `line ${line}, column '${error.column}': ${error.message}`;
  const e = error as CsvError & { lines?: number; record?: unknown[] };
  if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH')
    return `line ${e.lines}: expected as many cells as the header has, got ${e.record?.length}`;
  return e.message;
}

/** Takes the header, then each row's cells into growing typed columns. */
class ColumnsBuilder {
  private header?: string[];
  private targetIndex = -1;
  private cells: GrowingColumn[] = [];
  private records = 0;

  constructor(private readonly options: CsvOptions) {}

  add(record: string[]): void {
    const index = this.records++;
    if (this.header === undefined) return this.takeHeader(record);
    for (let i = 0; i < record.length; i++) {
      const value = readDecimal(record[i]);
      if (value === undefined) throw new CellError(index, this.header[i], record[i]);
      this.cells[i].push(value);
    }
  }

  finish(): Table {
    const header = this.header;
    if (header === undefined || this.cells[0].length === 0)
      throw new Error('expected a header row and at least one row of data');
    const all = this.cells.map((c) => c.finish());
    const target = all[this.targetIndex];
    const columns = all.filter((_, i) => i !== this.targetIndex);
    const names = header.filter((_, i) => i !== this.targetIndex);
    return { columns, target, names: { columns: names, target: header[this.targetIndex] } };
  }

  private takeHeader(header: string[]): void {
    const { target } = this.options;
    this.targetIndex = target === undefined ? header.length - 1 : header.indexOf(target);
    if (this.targetIndex < 0)
      throw new Error(`no column named '${target}' (columns: ${header.join(', ')})`);
    if (header.length < 2)
      throw new Error(`expected input columns besides the target '${header[this.targetIndex]}'`);
    this.header = header;
    this.cells = header.map(() => new GrowingColumn());
  }
}

/** A Float64Array that doubles when full, trimmed to its length at the end. */
class GrowingColumn {
  private values = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const larger = new Float64Array(2 * this.values.length);
      larger.set(this.values);
      this.values = larger;
    }
    this.values[this.length++] = value;
  }

  finish(): Float64Array {
    return this.values.slice(0, this.length);
  }
}
