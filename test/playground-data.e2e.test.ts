/// <reference lib="dom" />
/**
 * The playground's data and export in Chromium: your own CSV (pasted, or refused with its line
 * and column), points added by a click, regression sets, L1, model.json and model.onnx saved and
 * loaded back, the plot's points by keyboard, and the warning of a loss swinging up.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { moons } from '../src/data/datasets';
import { loadModel } from '../src/io/model-file';
import { importOnnx } from '../src/io/onnx';
import { defaultConfig, type Config } from '../playground/src/config';
import { Session } from '../playground/src/session';
import { servePlayground, type ServedPlayground } from './chromium';

const root = path.join(__dirname, '..');
const shots = path.join(root, 'out', 'playground');
let served: ServedPlayground;
let browser: Browser;
let page: Page;
let url: string;
const errors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  served = await servePlayground();
  ({ url, browser } = served);
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 }, acceptDownloads: true });
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await load();
}, 60_000);

afterAll(async () => {
  await served?.close();
});

/** The page afresh, with the default settings, built and ready. */
async function load(): Promise<void> {
  await page.goto(url);
  await untilPhase('ready');
}
const untilPhase = (wanted: string, timeout = 30_000) =>
  page.waitForFunction((p) => document.getElementById('status')!.dataset.phase === p, wanted, {
    timeout,
  });
const steps = async () => Number(await page.textContent('#steps'));
const loss = async () => Number(await page.getAttribute('#loss-value', 'data-exact'));
async function type(field: string, text: string): Promise<void> {
  await page.fill(`#${field}`, text);
  await page.press(`#${field}`, 'Tab');
}
/** Plays until the step count passes `count`, then pauses and lets the steps in flight land. */
async function playPast(count: number): Promise<void> {
  await page.click('#play');
  await page.waitForFunction(
    (n) => Number(document.getElementById('steps')!.textContent) > n,
    count,
    { timeout: 60_000 },
  );
  await page.click('#pause');
  await untilPhase('ready');
  await page.waitForTimeout(300);
}

/** A CSV of two blobs of points, its own column names, the label last. */
function blobsCsv(): string {
  const { x, y } = moons(60, { noise: 0.05, seed: 7 });
  return ['east,north,kind', ...x.map(([a, b], i) => `${a},${b},${y[i] === 0 ? 'a' : 'b'}`)].join(
    '\n',
  );
}

test('step 0 shows the untrained loss beside the accuracy: both figures, not a dash beside one', async () => {
  expect(await page.textContent('#steps')).toBe('0');
  expect(await page.textContent('#loss-value')).toMatch(/^\d+\.\d{4}$/);
  expect(await page.textContent('#accuracy')).toMatch(/^\d+\.\d%$/);
  // The chart's right axis is the accuracy's, for classes.
  expect(await page.$$('#curves .tick.accuracy')).toHaveLength(5);
});

test('a pasted CSV trains: its columns are the inputs and its label the classes', async () => {
  await page.click('#own-data summary');
  await page.fill('#csv-text', blobsCsv());
  await page.click('#csv-read');
  await page.waitForFunction(() =>
    /60 points/.test(document.getElementById('csv-status')!.textContent!),
  );
  expect(await page.textContent('#csv-status')).toBe(
    'the CSV: 60 points: x1 is east, x2 is north, the label kind: a as class 0, b as class 1',
  );
  expect(await page.inputValue('#dataset')).toBe('yours');
  await untilPhase('ready');
  expect(await page.textContent('#test-size')).toBe('12');
  await playPast(150);
  expect(parseFloat((await page.textContent('#accuracy'))!)).toBeGreaterThan(90);
  // The program carries the points: it trains what the page trained.
  expect(await page.getAttribute('#code', 'data-program')).toContain('classes: 2');
  await page.screenshot({ path: path.join(shots, 'data-1-csv.png') });
}, 90_000);

test.each([
  ['x1,x2,label\n1,2,0\n3,oops,1\n', "the CSV: line 3, column 'x2': 'oops' is not a number"],
  ['x1,x2,label\n1,2,0\n3,4\n', 'the CSV: line 3: expected as many cells as the header has, got 2'],
  [
    'a,b,c,label\n1,2,3,0\n',
    "the CSV: expected two columns of numbers, the point's x1 and x2, then its label or target; got a, b, c",
  ],
])('a CSV that cannot be read says where, as gradscript train does: %#', async (text, message) => {
  await page.fill('#csv-text', text);
  await page.click('#csv-read');
  await page.waitForFunction(
    () => document.getElementById('csv-status')!.dataset.problem === 'true',
  );
  expect(await page.textContent('#csv-status')).toContain(message);
});

test('an uploaded CSV file trains as a pasted one does', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'playground-')), 'points.csv');
  fs.writeFileSync(file, blobsCsv());
  await page.setInputFiles('#csv-file', file);
  await page.waitForFunction(() =>
    /^points\.csv: 60 points/.test(document.getElementById('csv-status')!.textContent!),
  );
  await untilPhase('ready');
});

test('a click on the plot adds a point of the class chosen, and the model rebuilds on them', async () => {
  await load();
  const before = Number(await page.textContent('#test-size'));
  await page.selectOption('#add-points', '1');
  const box = (await page.locator('#regions').boundingBox())!;
  await page.mouse.click(box.x + 10, box.y + 10);
  await untilPhase('ready');
  expect(await page.inputValue('#dataset')).toBe('yours');
  // 101 points: 20 of them held out, as of the 100 before.
  expect(Number(await page.textContent('#test-size'))).toBe(before);
  expect(await page.getAttribute('#code', 'data-program')).toMatch(/y: \[([01], ){100}[01]\]/);
  await page.selectOption('#add-points', '');
}, 60_000);

test('model.json saved from the page loads with loadModel and predicts as the page’s model does', async () => {
  await load();
  await playPast(30);
  const trained = await steps();
  const download = page.waitForEvent('download');
  await page.click('#export-json');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'playground-')), 'model.json');
  await (await download).saveAs(file);
  expect((await download).suggestedFilename()).toBe('model.json');
  expect(await page.textContent('#export-status')).toBe(`model.json at step ${trained}`);
  const loaded = loadModel(file);
  // The same settings trained as many steps here: the page's model, weight for weight.
  const session = new Session(defaultConfig);
  session.step(trained);
  for (const point of [
    [0, 0],
    [1, -0.5],
    [-0.7, 1.2],
    [2, 0.3],
  ]) {
    const expected = session.model.forward(point).map((v) => v.data);
    // To rounding: trained in Chromium and trained here, the outputs differ in about their last bit.
    loaded.forward(point).forEach((v, k) => expect(v.data).toBeCloseTo(expected[k], 10));
  }
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(json).toMatchObject({ task: 'classification', loss: 'hinge', labels: [0, 1] });
  expect(json.columns).toEqual([
    { name: 'x1', kind: 'number' },
    { name: 'x2', kind: 'number' },
  ]);
}, 90_000);

test('model.onnx saved from the page imports back with the same predictions, to float32', async () => {
  const trained = await steps();
  const download = page.waitForEvent('download');
  await page.click('#export-onnx');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'playground-')), 'model.onnx');
  await (await download).saveAs(file);
  expect((await download).suggestedFilename()).toBe('model.onnx');
  const imported = importOnnx(new Uint8Array(fs.readFileSync(file)));
  const session = new Session(defaultConfig);
  session.step(trained);
  for (const point of [
    [0, 0],
    [1, -0.5],
    [-0.7, 1.2],
  ]) {
    const expected = session.model.forward(point)[0].data;
    expect(imported.forward(point)[0].data).toBeCloseTo(expected, 5);
  }
}, 60_000);

test('keyboard only: Tab to the plot, the arrows move a cursor between points, Enter traces, the focus stays', async () => {
  await load();
  await page.focus('#show-test');
  // Back from the toggles below the plot: one Shift+Tab reaches it.
  await page.keyboard.press('Shift+Tab');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('regions');
  const outline = await page.$eval('#regions', (c) => getComputedStyle(c).outlineStyle);
  expect(outline).toBe('solid');
  expect(await page.textContent('#plot-cursor')).toMatch(
    /^point 0 of 80 \(x1 \S+, x2 \S+, class [01]\)/,
  );
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowUp');
  const chosen = Number(/^point (\d+)/.exec((await page.textContent('#plot-cursor'))!)![1]);
  expect(chosen).not.toBe(0);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#trace svg', { timeout: 30_000 });
  expect(await page.textContent('#trace-caption')).toMatch(new RegExp(`of point ${chosen},`));
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('regions');
  // The arrows move the cursor, not the training: no step was taken.
  expect(await steps()).toBe(0);
  await page.screenshot({ path: path.join(shots, 'data-2-keyboard-trace.png') });
}, 60_000);

test.each<[Config['dataset']]>([['plane'], ['multigauss']])(
  'regression on %s: mse only, the loss falls, no accuracy shown',
  async (dataset) => {
    await load();
    await page.selectOption('#dataset', dataset);
    await untilPhase('ready');
    expect(
      await page.$$eval('#loss option', (options) =>
        options.map((o) => (o as HTMLOptionElement).value),
      ),
    ).toEqual(['mse']);
    expect(await page.isVisible('#accuracy')).toBe(false);
    await page.selectOption('#optimizer', 'adam');
    await type('lr', '0.01');
    await untilPhase('ready');
    const first = await loss();
    await playPast(300);
    expect(await loss()).toBeLessThan(first / 3);
    // No accuracy: neither its figures nor its axis and curve.
    expect(await page.isVisible('#test-accuracy')).toBe(false);
    expect(await page.$$('#curves .tick.accuracy, #curves path.accuracy')).toHaveLength(0);
    expect(await page.getAttribute('#curves path.curve.loss', 'd')).toMatch(/^M[\d.]+ [\d.]+L/);
    await page.screenshot({ path: path.join(shots, `data-3-${dataset}.png`) });
  },
  90_000,
);

test('L1 regularisation trains beside L2, and the program adds it to the loss', async () => {
  await load();
  await type('l1', '0.001');
  await untilPhase('ready');
  expect(await page.getAttribute('#code', 'data-program')).toContain(
    'loss = loss + l1(model.parameters()) * 0.001;',
  );
  await playPast(50);
  expect(parseFloat((await page.textContent('#accuracy'))!)).toBeGreaterThan(80);
  await type('l1', '-1');
  expect(await page.textContent('#l1-problem')).toBe(
    'L1 must be a number of at least 0 (0: none); got "-1"',
  );
}, 60_000);

test('a loss that swings up well above its lowest says so in the status line', async () => {
  await load();
  await type('lr', '3');
  await untilPhase('ready');
  expect(await page.textContent('#swing')).toBe('');
  await playPast(30);
  expect(await page.textContent('#swing')).toMatch(
    /^the loss swung up from \S+ at step \d+ to \S+ at step \d+: the learning rate 3 may be too large$/,
  );
  expect(await page.isVisible('#swing')).toBe(true);
}, 60_000);

test('nothing along the way reached the console as an error', () => {
  expect(errors).toEqual([]);
});
