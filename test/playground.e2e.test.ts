/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The playground in a real browser: a Chromium found by ./chromium (CHROMIUM_PATH, a system
 * browser, or @sparticuz/chromium's) driven by playwright-core, which never downloads a browser
 * of its own. Screenshots of each state go to out/playground/.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium';

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
const shots = path.join(root, 'out', 'playground');
let server: ChildProcess;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  const executable = await chromiumExecutable();
  fs.mkdirSync(shots, { recursive: true });
  server = spawn(process.execPath, [cli, 'playground', '--port', '0']);
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout!.on('data', (chunk) => {
      const match = /http:\/\/\S+/.exec(String(chunk));
      if (match) resolve(match[0]);
    });
    server.once('exit', (code) => reject(new Error(`the playground server exited with ${code}`)));
  });
  try {
    browser = await chromium.launch({
      executablePath: executable.path,
      args: CHROMIUM_ARGS,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`could not launch ${executable.path} (from ${executable.source}): ${reason}`);
  }
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('accuracy')!.textContent !== '–');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.kill();
});

const steps = async () => Number(await page.textContent('#steps'));

test('the page loads with no console errors', async () => {
  await page.screenshot({ path: path.join(shots, '1-loaded.png') });
  expect(errors).toEqual([]);
  expect(await page.textContent('#code')).toContain("from 'gradscript'");
});

test('playing 200 steps on the moons lifts the accuracy above 95%; pause stops the counter', async () => {
  await page.click('#play');
  await page.waitForFunction(
    () => Number(document.getElementById('steps')!.textContent) >= 200,
    null,
    { timeout: 60_000 },
  );
  await page.click('#pause');
  const stopped = await steps();
  await page.waitForTimeout(600);
  expect(await steps()).toBeLessThanOrEqual(stopped + 5); // at most the message in flight
  const settled = await steps();
  await page.waitForTimeout(600);
  expect(await steps()).toBe(settled);
  expect(parseFloat((await page.textContent('#accuracy'))!)).toBeGreaterThan(95);
  await page.screenshot({ path: path.join(shots, '2-trained.png') });
}, 90_000);

test('clicking a point shows the graph of its prediction, with data and grad; a neuron opens', async () => {
  // The first point's position on the canvas, from the page's own data.
  const target = await page.evaluate(() => {
    const canvas = document.getElementById('regions') as HTMLCanvasElement;
    const rect = canvas.getBoundingClientRect();
    // Find a pixel that holds a point: the points are drawn with a dark outline.
    const context = canvas.getContext('2d')!;
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    for (let y = 0; y < canvas.height; y++) {
      for (let x = 0; x < canvas.width; x++) {
        const i = 4 * (y * canvas.width + x);
        if (pixels[i] === 31 && pixels[i + 1] === 119 && pixels[i + 2] === 180)
          return { x: rect.left + x, y: rect.top + y };
      }
    }
    return null;
  });
  expect(target).not.toBeNull();
  await page.mouse.click(target!.x, target!.y);
  await page.waitForSelector('#trace svg', { timeout: 30_000 });
  const texts = await page.$$eval('#trace svg text', (nodes) => nodes.map((n) => n.textContent));
  expect(texts.some((t) => t?.startsWith('data'))).toBe(true);
  expect(texts.some((t) => t?.startsWith('grad'))).toBe(true);
  expect(texts).toContain('ReLUNeuron(2)');
  await page.screenshot({ path: path.join(shots, '3-trace.png') });
  const before = texts.filter((t) => t === '*').length;
  await page.click('#trace g.node[id="neuron-0"]');
  await page.waitForFunction(
    (n) =>
      [...document.querySelectorAll('#trace svg text')].filter((t) => t.textContent === '*')
        .length > n,
    before,
  );
  await page.screenshot({ path: path.join(shots, '4-neuron-open.png') });
}, 60_000);

test('the code panel’s program, run by gradscript run, reaches the loss the page shows', async () => {
  const program = (await page.textContent('#code'))!;
  const loss = await page.getAttribute('#loss-value', 'data-exact');
  const file = path.join(__dirname, 'fixtures', `playground-e2e-${process.pid}.ts`);
  fs.writeFileSync(file, program);
  try {
    const result = spawnSync(process.execPath, [cli, 'run', file], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    // Chromium's V8 and Node's may round Math.cos and friends a last bit apart (the moons are
    // made with them), so the same loss agrees to rounding, not always to the last digit.
    const printed = Number(/^loss (\S+)$/.exec(result.stdout.trim())![1]);
    expect(Math.abs(printed - Number(loss)) / Number(loss)).toBeLessThan(1e-9);
  } finally {
    fs.rmSync(file);
  }
  expect(errors).toEqual([]);
}, 60_000);
