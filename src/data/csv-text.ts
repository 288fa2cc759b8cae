/**
 * CSV text already in memory, read into typed columns and a Table: the part of the CSV reader
 * with no file system, which the playground runs in a page (csv.ts reads files as streams with
 * the same columns and messages). Every refusal names the line, the column and the cell.
 */
import { parse as parseText } from 'csv-parse/sync';
import type { CsvError, Info, Options } from 'csv-parse';
import { notANumber, readDecimal, readDecimalComma } from './decimal';
import { CsvRecordError, encodeColumns, type EncodeOptions } from './encode';
import type { Table } from './table';

export interface CsvOptions
  extends
    EncodeOptions,
    Pick<CsvSelection, 'target' | 'features' | 'ignore' | 'delimiter' | 'signal'> {}

/** What to read of a file: which columns, and (for a model's columns) what each must hold. */
export interface CsvSelection {
  /** The target column's name; the last column when absent. */
  target?: string;
  /** The columns to train on (all but the target and `ignore` by default). */
  features?: readonly string[];
  /** Columns to leave out. */
  ignore?: readonly string[];
  /** `,`, `;` or a tab (`tab`); found from the header line when absent. */
  delimiter?: string;
  /** No target: every selected column is an input (the columns a model reads to predict). */
  noTarget?: boolean;
  /** What each named column must hold, whatever its first cell: a model's columns. */
  kinds?: ReadonlyMap<string, 'number' | 'text'>;
  /** Stops reading a file when aborted. */
  signal?: AbortSignal;
}

/** The cells that mean "no value here", as spreadsheets, R and pandas write them. */
const MISSING_CELLS: ReadonlySet<string> = new Set(['', 'NA', 'N/A', 'NaN', 'nan', '?']);

const DELIMITERS = [',', ';', '\t'] as const;

/** One column as read: numbers (NaN where missing), or text as codes into its values (-1 where missing). */
export type ReadColumn =
  | { name: string; kind: 'number'; values: Float64Array; missing: number }
  | {
      name: string;
      kind: 'text';
      codes: Int32Array;
      /** The distinct values, in the order first met. */
      values: string[];
      missing: number;
      /** The first cell, in record `record`: to show in a message (none when every cell is missing). */
      first?: { record: number; cell: string };
    };

/** The selected columns of a file, the target first (unless read with `noTarget`). */
export interface ReadColumns {
  columns: ReadColumn[];
  rows: number;
  delimiter: string;
}

/** Reads CSV text already in memory into a Table. */
export function parseCsv(text: string, options: CsvOptions = {}): Table {
  const delimiter = checkDelimiter(options.delimiter) ?? sniffDelimiter(text);
  try {
    const columns = new ColumnsBuilder(options, delimiter);
    for (const record of parseText(text, parserOptions(delimiter)) as string[][])
      columns.add(record);
    const table = encodeColumns(columns.finish(), options);
    if (table.leftOut === undefined) return table;
    const lines = table.leftOut.records.map((record) => lineInText(text, record, delimiter));
    return { ...table, leftOut: { ...table.leftOut, lines } };
  } catch (error) {
    throw new Error(describe(error, (record) => lineInText(text, record, delimiter)));
  }
}

/** The error as one line: which line and column, and what is wrong. */
export function describe(error: unknown, lineOf: (record: number) => number): string {
  if (error instanceof CsvRecordError) {
    const where = `line ${lineOf(error.record)}`;
    return error.column === undefined
      ? `${where}: ${error.problem}`
      : `${where}, column '${error.column}': ${error.problem}`;
  }
  const e = error as CsvError & { lines?: number; record?: unknown[] };
  if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH')
    return `line ${e.lines}: expected as many cells as the header has, got ${e.record?.length}`;
  // The parser's own errors (quotes, mostly) say their line in the message, some in a field too.
  const line = e.lines ?? / at line (\d+)/.exec(e.message)?.[1];
  if (typeof e.code === 'string' && line !== undefined)
    return `line ${line}: ${e.message.replace(/ at line \d+/, '')}`;
  return (error as Error).message;
}

function lineInText(text: string, record: number, delimiter: string): number {
  const records = parseText(text, { ...parserOptions(delimiter), info: true, to: record + 1 });
  return (records as unknown as NumberedRecord[])[record].info.lines;
}

/** @internal (csv-parse's types would bring Node's globals into the declarations users compile) */
export type NumberedRecord = { record: string[]; info: Info };

/** @internal (as NumberedRecord) */
export function parserOptions(delimiter: string): Options {
  return { skip_empty_lines: true, trim: true, bom: true, delimiter };
}

export function checkDelimiter(delimiter: string | undefined): string | undefined {
  if (delimiter === undefined) return undefined;
  const named = delimiter === 'tab' || delimiter === '\\t' ? '\t' : delimiter;
  if (!(DELIMITERS as readonly string[]).includes(named))
    throw new Error(`the delimiter must be ',', ';' or 'tab', got '${delimiter}'`);
  return named;
}

/** The delimiter the header line uses most, outside quotes: a comma when none is used. */
export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best = ',';
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return best;
}

/** Takes the header, then each row's selected cells into growing typed columns. */
export class ColumnsBuilder {
  /** For each column kept, its index in a record. */
  private indices: number[] = [];
  private columns: ColumnBuilder[] = [];
  private records = 0;

  constructor(
    private readonly selection: CsvSelection,
    private readonly delimiter: string,
  ) {}

  add(record: string[]): void {
    const index = this.records++;
    if (index === 0) return this.takeHeader(record);
    for (let k = 0; k < this.indices.length; k++)
      this.columns[k].add(record[this.indices[k]], index);
  }

  finish(): ReadColumns {
    if (this.records < 2) throw new Error('expected a header row and at least one row of data');
    return {
      columns: this.columns.map((c) => c.finish()),
      rows: this.records - 1,
      delimiter: this.delimiter,
    };
  }

  private takeHeader(header: string[]): void {
    const { target, features, ignore, noTarget } = this.selection;
    const unnamed = header.indexOf('');
    if (unnamed >= 0)
      throw new CsvRecordError(0, `column ${unnamed + 1} has no name: name it in the header`);
    const seen = new Map<string, number>();
    header.forEach((name, i) => {
      if (seen.has(name))
        throw new CsvRecordError(
          0,
          `columns ${seen.get(name)! + 1} and ${i + 1} are both named '${name}': rename one`,
        );
      seen.set(name, i);
    });
    const columnOf = (name: string, role: string) => {
      const i = seen.get(name);
      if (i === undefined)
        throw new Error(`no column named '${name}'${role} (columns: ${header.join(', ')})`);
      return i;
    };
    for (const name of ignore ?? []) columnOf(name, ' to ignore');
    let targetIndex: number | undefined;
    if (!noTarget) {
      targetIndex = target === undefined ? header.length - 1 : columnOf(target, '');
      if (ignore?.includes(header[targetIndex]))
        throw new Error(`'${header[targetIndex]}' is the target: it cannot be ignored too`);
      if (features?.includes(header[targetIndex]))
        throw new Error(`'${header[targetIndex]}' is the target: it cannot be a feature too`);
    }
    const inputs =
      features !== undefined
        ? features.map((name) => columnOf(name, noTarget ? ', which the model reads' : ''))
        : header.map((_, i) => i).filter((i) => i !== targetIndex && !ignore?.includes(header[i]));
    if (inputs.length === 0) {
      const what = targetIndex === undefined ? '' : ` besides the target '${header[targetIndex]}'`;
      throw new Error(`expected input columns${what}`);
    }
    this.indices = targetIndex === undefined ? inputs : [targetIndex, ...inputs];
    const decimalComma = this.delimiter === ';';
    this.columns = this.indices.map(
      (i) => new ColumnBuilder(header[i], decimalComma, this.selection.kinds?.get(header[i])),
    );
  }
}

/**
 * One column's cells: numbers until the column turns out to hold text, decided by its first cell
 * that is not missing. A number among text is a category like any other value; text among
 * numbers is an error.
 */
class ColumnBuilder {
  private kind: 'unknown' | 'number' | 'text';
  private readonly numbers = new GrowingColumn(Float64Array);
  private readonly codes = new GrowingColumn(Int32Array);
  private readonly values = new Map<string, number>();
  private first?: { record: number; cell: string };
  private missing = 0;
  private length = 0;

  constructor(
    private readonly name: string,
    private readonly decimalComma: boolean,
    kind?: 'number' | 'text',
  ) {
    this.kind = kind ?? 'unknown';
  }

  add(cell: string, record: number): void {
    this.length++;
    if (MISSING_CELLS.has(cell)) {
      this.missing++;
      if (this.kind === 'text') this.codes.push(-1);
      else this.numbers.push(NaN);
      return;
    }
    const number = readDecimal(cell) ?? (this.decimalComma ? readDecimalComma(cell) : undefined);
    if (this.kind !== 'text') {
      if (number !== undefined) {
        this.kind = 'number';
        this.numbers.push(number);
        return;
      }
      const problem = this.problemWith(cell);
      if (this.kind === 'number' || problem !== undefined)
        throw new CsvRecordError(record, `'${cell}' ${problem ?? 'is not a number'}`, this.name);
      // Text from the first cell on: the missing cells so far become missing codes.
      this.kind = 'text';
      for (let i = 1; i < this.length; i++) this.codes.push(-1);
    } else if (number === undefined && cell.includes('\uFFFD')) {
      throw new CsvRecordError(record, `'${cell}' ${this.problemWith(cell)}`, this.name);
    }
    this.first ??= { record, cell };
    let code = this.values.get(cell);
    if (code === undefined) this.values.set(cell, (code = this.values.size));
    this.codes.push(code);
  }

  finish(): ReadColumn {
    const { name, missing } = this;
    if (this.kind === 'text')
      return {
        name,
        kind: 'text',
        codes: this.codes.finish() as Int32Array,
        values: [...this.values.keys()],
        missing,
        first: this.first,
      };
    return { name, kind: 'number', values: this.numbers.finish() as Float64Array, missing };
  }

  private problemWith(cell: string): string | undefined {
    if (cell.includes('\uFFFD')) return 'is not UTF-8 text: save the file as UTF-8';
    return notANumber(cell);
  }
}

/** A typed array that doubles when full, trimmed to its length at the end. */
class GrowingColumn<A extends Float64Array | Int32Array> {
  private values: A;
  private length = 0;

  constructor(private readonly type: { new (length: number): A }) {
    this.values = new type(1024);
  }

  push(value: number): void {
    if (this.length === this.values.length) {
      const larger = new this.type(2 * this.values.length);
      larger.set(this.values);
      this.values = larger;
    }
    this.values[this.length++] = value;
  }

  finish(): A {
    return this.values.slice(0, this.length) as A;
  }
}
