/**
 * Issue 28: real CSV files as people have them (Iris, the Palmer penguins and cars from npm
 * packages; see fixtures/data/README.md), trained with the default flags, and `predict` on rows
 * the training never saw; every refusal of a file, by its message; and malformed files, which
 * either train or are refused with the file, line and column.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import {
  Random,
  loadCsv,
  parseCsv,
  predictCsv,
  runTrainingJob,
  saveModel,
  type Table,
} from '../src';

const cli = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
const fixtures = path.join(__dirname, 'fixtures', 'data');
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-real-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function gradscript(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The file's rows in two files, a fifth of them (chosen by a seed) held out of training. */
function holdOut(name: string): { train: string; heldOut: string } {
  const [header, ...rows] = fs.readFileSync(path.join(fixtures, name), 'utf8').trim().split('\n');
  const order = new Random(7).shuffle(rows.map((_, i) => i));
  const cut = Math.round(rows.length / 5);
  const write = (file: string, indices: number[]) => {
    fs.writeFileSync(file, [header, ...indices.map((i) => rows[i])].join('\n') + '\n');
    return file;
  };
  return {
    heldOut: write(path.join(dir, 'held-out.csv'), order.slice(0, cut)),
    train: write(path.join(dir, 'train.csv'), order.slice(cut)),
  };
}

/** Trains with the default flags (and `flags`), then predicts the held-out rows. */
function trainThenPredict(name: string, target: string, ...flags: string[]) {
  const { train, heldOut } = holdOut(name);
  const out = path.join(dir, 'out');
  const trained = gradscript('train', '--csv', train, '--target', target, '--out', out, ...flags);
  expect(trained.stderr).toBe('');
  expect(trained.status).toBe(0);
  const predictions = path.join(dir, 'predictions.csv');
  const predicted = gradscript(
    'predict',
    '--model',
    path.join(out, 'model.json'),
    '--csv',
    heldOut,
    '--out',
    predictions,
  );
  expect(predicted.stderr).toBe('');
  expect(predicted.status).toBe(0);
  const rows = parse(fs.readFileSync(predictions, 'utf8'), { columns: true }) as Record<
    string,
    string
  >[];
  return { trained: trained.stdout, predicted: predicted.stdout, rows, out };
}

describe('the default flags learn real data, and predict applies the model to new rows', () => {
  test('Iris: species names as classes, at least 93% of held-out rows right', () => {
    const { trained, predicted, rows, out } = trainThenPredict('iris.csv', 'species');
    expect(trained).toContain(
      "task: classification, 3 classes: setosa, versicolor, virginica (the target's names)",
    );
    expect(trained).toMatch(/^test accuracy \d+\.\d%$/m);
    expect(predicted).toBe(
      `wrote ${path.join(dir, 'predictions.csv')}: 30 rows with prediction and probability\n`,
    );
    const right = rows.filter((row) => row.prediction === row.species).length;
    expect(right / rows.length).toBeGreaterThanOrEqual(0.93);
    for (const row of rows) expect(Number(row.probability)).toBeGreaterThan(1 / 3);
    // The names, the columns and the scaling are in model.json; the test share's figures on the chart.
    const model = JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8'));
    expect(model.labels).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(model.columns.map((c: { name: string }) => c.name)).toEqual([
      'sepal_length',
      'sepal_width',
      'petal_length',
      'petal_width',
    ]);
    expect(model.standardization.mean).toHaveLength(4);
    expect(fs.readFileSync(path.join(out, 'loss.svg'), 'utf8')).toContain('test');
  }, 120_000);

  test('penguins: categories one-hot, rows with NA left out and counted, at least 95% right', () => {
    const { trained, predicted, rows } = trainThenPredict('penguins.csv', 'Species');
    expect(trained).toMatch(
      /^left out \d+ rows with a missing value \(lines \d+(, \d+)*(, …)?\); --impute mean fills missing inputs in instead$/m,
    );
    // Island's three categories, four measurements, and Sex's three (one penguin's is '.').
    expect(trained).toContain('training MLP(10, [16, 16, 3])');
    const missing = rows.filter((row) => row['Body Mass (g)'] === 'NA' || row.Sex === 'NA');
    for (const row of missing) expect(row.prediction).toBe(''); // never a made-up prediction
    if (missing.length > 0) expect(predicted).toMatch(/have a missing value and no prediction/);
    const predictedRows = rows.filter((row) => row.prediction !== '');
    const right = predictedRows.filter((row) => row.prediction === row.Species).length;
    expect(right / predictedRows.length).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  test('cars: miles per gallon, name and year ignored, R² at least 0.75 on held-out rows', () => {
    const { trained, rows } = trainThenPredict(
      'cars.csv',
      'Miles_per_Gallon',
      '--ignore',
      'Name,Year',
    );
    expect(trained).toMatch(/^test R² \d\.\d{3}$/m);
    expect(trained).toMatch(/^test mean absolute error \S+$/m);
    const known = rows.filter((row) => row.Miles_per_Gallon !== '' && row.prediction !== '');
    const actual = known.map((row) => Number(row.Miles_per_Gallon));
    const mean = actual.reduce((a, b) => a + b) / actual.length;
    const residual = known.reduce((s, row, i) => s + (Number(row.prediction) - actual[i]) ** 2, 0);
    const total = actual.reduce((s, y) => s + (y - mean) ** 2, 0);
    expect(1 - residual / total).toBeGreaterThanOrEqual(0.75);
  }, 120_000);
});

describe('every refusal names the file, the line, the column and the cell', () => {
  function file(text: string | Buffer, name = 'data.csv'): string {
    const where = path.join(dir, name);
    fs.writeFileSync(where, text);
    return where;
  }

  test.each([
    ['infinity', 'a,b,y\n1,2,0\n1,inf,1\n', "line 3, column 'b': 'inf' is not a finite number"],
    [
      'an overflowing number',
      'a,b,y\n1,2,0\n1,1e309,1\n',
      "line 3, column 'b': '1e309' is too large for a number (the largest is about 1.8e308)",
    ],
    [
      'a percentage',
      'a,b,y\n1,50%,0\n1,2,1\n',
      "line 2, column 'b': '50%' is a percentage: write it as a plain number",
    ],
    [
      'a thousands separator',
      'a,b,y\n1,2,0\n1,"1,000",1\n',
      "line 3, column 'b': '1,000' has a thousands separator: write the number without it",
    ],
    [
      'a decimal comma in a file separated by commas',
      'a,b,y\n1,2,0\n1,"2,5",1\n',
      "line 3, column 'b': '2,5' has a decimal comma: write it with a point, or separate the cells with semicolons",
    ],
    ['text among numbers', 'a,b,y\n1,2,0\n1,two,1\n', "line 3, column 'b': 'two' is not a number"],
    [
      'a number in hexadecimal',
      'a,b,y\n1,0x1F,0\n1,2,1\n',
      "line 2, column 'b': '0x1F' is not a number in decimal",
    ],
    [
      'a date',
      'when,a,y\n2024-01-05,1,0\n2024-02-07,2,1\n',
      "line 2, column 'when': '2024-01-05' is a date: gradscript learns from numbers and categories; --ignore when to leave the column out",
    ],
    [
      'names (mostly distinct text)',
      'name,a,y\n' + Array.from({ length: 30 }, (_, i) => `car ${i},${i},${i % 2}`).join('\n'),
      "line 2, column 'name': 'car 0' is one of 30 different values in 30 rows, too many to be categories (names or identifiers?): --ignore name to leave the column out",
    ],
    [
      'two columns of one name',
      'a,b,a,y\n1,2,3,0\n',
      "line 1: columns 1 and 3 are both named 'a': rename one",
    ],
    [
      'a column without a name',
      'a,,y\n1,2,0\n',
      'line 1: column 2 has no name: name it in the header',
    ],
    [
      'a ragged row',
      'a,b,y\n1,2,0\n1,2\n',
      'line 3: expected as many cells as the header has, got 2',
    ],
    [
      'a quote left open',
      'a,b,y\n1,2,0\n1,"2,1\n',
      'line 3: Quote Not Closed: the parsing is finished with an opening quote',
    ],
    [
      'bytes that are not UTF-8',
      Buffer.concat([Buffer.from('a,b,y\n1,x,0\n1,'), Buffer.from([0xe9]), Buffer.from(',1\n')]),
      "line 3, column 'b': '\uFFFD' is not UTF-8 text: save the file as UTF-8",
    ],
    [
      'UTF-16 text',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]),
      'the file is UTF-16 text: save it as UTF-8',
    ],
  ])('%s', async (_name, text, message) => {
    const csv = file(text);
    await expect(loadCsv(csv)).rejects.toThrow(`${csv}: ${message}`);
  });

  test.each([
    [{ target: 'price' }, "no column named 'price' (columns: a, b, y)"],
    [{ features: ['a', 'c'] }, "no column named 'c' (columns: a, b, y)"],
    [{ ignore: ['c'] }, "no column named 'c' to ignore (columns: a, b, y)"],
    [{ ignore: ['y'] }, "'y' is the target: it cannot be ignored too"],
    [{ features: ['a', 'y'] }, "'y' is the target: it cannot be a feature too"],
    [{ ignore: ['a', 'b'] }, "expected input columns besides the target 'y'"],
    [{ delimiter: '|' }, "the delimiter must be ',', ';' or 'tab', got '|'"],
  ])('choosing columns: %j', async (options, message) => {
    const csv = file('a,b,y\n1,2,0\n3,4,1\n');
    await expect(loadCsv(csv, options)).rejects.toThrow(`${csv}: ${message}`);
  });

  test('missing cells leave their row out, counted by line; --impute mean fills them in', () => {
    const text = 'a,b,y\n1,NA,0\n2,4,1\n?,6,0\n4,,1\n5,NaN,1\n6,8,\n';
    const table = parseCsv(text);
    expect(table.target).toEqual(Float64Array.from([1]));
    expect(table.leftOut).toEqual({ count: 5, records: [1, 3, 4, 5, 6], lines: [2, 4, 5, 6, 7] });
    const imputed = parseCsv(text, { impute: 'mean' });
    // The target is never imputed: the last row stays out.
    expect(imputed.leftOut).toEqual({ count: 1, records: [6], lines: [7] });
    expect(Array.from(imputed.columns[0])).toEqual([1, 2, 3, 4, 5]); // (1 + 2 + 4 + 5) / 4
    expect(Array.from(imputed.columns[1])).toEqual([5, 4, 6, 5, 5]); // (4 + 6) / 2
    expect(() => parseCsv('a,b,y\nNA,1,0\n2,?,1\n')).toThrow(
      "every row has a missing value (column 'a' is missing in 1 of 2 rows): --ignore a to leave it out, or --impute mean to fill it in",
    );
    expect(() => parseCsv('a,b,y\nNA,1,0\n,2,1\n')).toThrow(
      "column 'a' is empty in every row: --ignore a to leave it out",
    );
  });

  test('semicolons with decimal commas, and tabs, are found from the header', () => {
    const expected = { columns: [Float64Array.from([3.5, -1])], target: Float64Array.from([0, 1]) };
    expect(parseCsv('a;y\n3,5;0\n-1;1\n')).toMatchObject(expected);
    expect(parseCsv('a\ty\n3.5\t0\n-1\t1\n')).toMatchObject(expected);
    expect(parseCsv('a;y\n3.5;0\n-1;1\n', { delimiter: ';' })).toMatchObject(expected);
  });

  test('a text target is classes by name, text features with few values one input each', () => {
    const table: Table = parseCsv('colour,size,kind\nred,1,cat\nblue,2,dog\nred,3,cat\n');
    expect(table.classNames).toEqual(['cat', 'dog']);
    expect(table.names!.columns).toEqual(['colour=blue', 'colour=red', 'size']);
    expect(table.columns.map((c) => Array.from(c))).toEqual([
      [0, 1, 0],
      [1, 0, 1],
      [1, 2, 3],
    ]);
  });

  test('a cell refused deep in a large file says which, not "The operation was aborted"', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => `${i % 7},${i % 3},${i % 2}`);
    rows.push('1,1e400,0');
    const csv = file(['a,b,y', ...rows].join('\n'));
    await expect(loadCsv(csv)).rejects.toThrow(
      `${csv}: line 100002, column 'b': '1e400' is too large for a number`,
    );
  }, 60_000);

  test('a text target is not a number to predict', async () => {
    const csv = file('a,species\n1,setosa\n2,virginica\n');
    await expect(runTrainingJob({ data: { csv }, task: 'regression', steps: 1 })).rejects.toThrow(
      "the target 'species' is text (setosa, virginica): it can be classes, not a number to predict",
    );
  });

  test('predict: a column the model reads that the file lacks; a category it never saw', async () => {
    const csv = file('colour,size,kind\nred,1,cat\nblue,2,dog\nred,3,cat\nblue,4,dog\nred,5,cat\n');
    const model = path.join(dir, 'model.json');
    const { job } = await runTrainingJob({ data: { csv }, steps: 5, testShare: 0 });
    saveModel(job.savedModel(), model, job.trainedFor());
    const rows = file('size,shade\n1,red\n', 'rows.csv');
    await expect(predictCsv({ model, csv: rows })).rejects.toThrow(
      `${rows}: no column named 'colour', which the model reads (columns: size, shade)`,
    );
    const moons = path.join(dir, 'moons.json');
    saveModel((await runTrainingJob({ data: { dataset: 'moons' }, steps: 1 })).job.model, moons);
    await expect(predictCsv({ model: moons, csv })).rejects.toThrow(
      `${moons} does not say which columns it reads: predict applies a model that gradscript train --csv wrote`,
    );
    // Two classes train with bce by default for a CSV, whose sigmoid gives the probability.
    const known = file('size,colour\n1,red\n2,blue\n', 'known.csv');
    const out = path.join(dir, 'predicted.csv');
    await predictCsv({ model, csv: known, out });
    const [header, ...predicted] = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(header).toBe('size,colour,prediction,probability');
    for (const row of predicted) expect(row).toMatch(/^\d,\w+,(cat|dog),0\.\d+$/);
    // A category it never saw: no prediction for that row, said with the first such cell.
    const green = file('size,colour\n1,red\n2,green\n3,NA\n', 'green.csv');
    const summary = await predictCsv({ model, csv: green, out });
    expect(summary).toMatchObject({
      rows: 3,
      missing: { count: 1, lines: [4] },
      unseen: { count: 1, lines: [3], first: { column: 'colour', value: 'green' } },
    });
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^2,green,,\n3,NA,,$/m);
  });

  test('the command line says it in one line', () => {
    const csv = file('a;b;y\n1;2,5;0\n1;50%;1\n');
    const { status, stdout, stderr } = gradscript('train', '--csv', csv, '--out', dir);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `gradscript: ${csv}: line 3, column 'b': '50%' is a percentage: write it as a plain number\n`,
    );
  }, 30_000);
});

describe('malformed files', () => {
  /** Whole-file problems, which no one cell causes. */
  const WHOLE_FILE = [
    'expected a header row and at least one row of data',
    'every row has a missing value',
    'classification needs two classes',
    'the file is UTF-16 text',
    'different values, more than 1000 classes',
    'too many to be taken for classes',
    'expected input columns',
    'is empty in every row',
  ];

  const cell = fc.oneof(
    fc.integer({ min: -50, max: 50 }).map(String),
    fc.double({ min: -1e3, max: 1e3, noNaN: true }).map((x) => x.toPrecision(4)),
    fc.constantFrom('', 'NA', 'NaN', '?', 'inf', '-Infinity', '1e309', '50%', '"1,000"', '"2,5"'),
    fc.constantFrom('red', 'blue', '"a ""quoted"" cell"', '"open', 'x"y', '2024-01-05', '0x1F'),
    fc.constantFrom('caf\u00e9', '\uFFFD', ' 7 ', '"line\nbreak"'),
  );
  const file = fc.record({
    header: fc.array(fc.constantFrom('a', 'b', 'c', 'y', ''), { minLength: 1, maxLength: 4 }),
    rows: fc.array(fc.array(cell, { minLength: 0, maxLength: 5 }), { minLength: 0, maxLength: 12 }),
    delimiter: fc.constantFrom(',', ';', '\t'),
    bom: fc.boolean(),
    encoding: fc.constantFrom('utf8', 'utf8', 'utf8', 'latin1', 'utf16le'),
  });

  test('train or be refused with the file, the line and (for a cell) the column', async () => {
    await fc.assert(
      fc.asyncProperty(file, async ({ header, rows, delimiter, bom, encoding }) => {
        const text =
          (bom ? '\uFEFF' : '') +
          [header, ...rows].map((cells) => cells.join(delimiter)).join('\n') +
          '\n';
        const csv = path.join(dir, 'fuzz.csv');
        fs.writeFileSync(csv, Buffer.from(text, encoding as BufferEncoding));
        try {
          await runTrainingJob({ data: { csv }, steps: 2, hidden: [3] });
        } catch (error) {
          const message = (error as Error).message;
          const located =
            message.startsWith(`${csv}: line `) &&
            /^line \d+(, column '[^']*')?: \S/.test(message.slice(csv.length + 2));
          const named = message.startsWith(`${csv}: no column named`);
          const whole = WHOLE_FILE.some((problem) => message.includes(problem));
          if (!(located || named || whole)) throw new Error(`unexpected refusal: ${message}`);
          expect(message).not.toContain('The operation was aborted');
        }
      }),
      { numRuns: 200, seed: 28 },
    );
  }, 120_000);
});
