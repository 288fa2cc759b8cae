/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The playground in a real browser: a Chromium found by ./chromium (CHROMIUM_PATH, a system
 * browser, or @sparticuz/chromium's) driven by playwright-core, which never downloads a browser
 * of its own. Screenshots of each state go to out/playground/.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { errors as playwrightErrors, type Browser, type Page } from 'playwright-core';
import { defaultConfig, parseSettings, textOf, type Config } from '../playground/src/config';
import { LR_SCALE } from '../playground/src/controls';
import { servePlayground, type ServedPlayground } from './chromium';

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
const shots = path.join(root, 'out', 'playground');
let served: ServedPlayground;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  served = await servePlayground();
  const { url } = served;
  browser = served.browser;
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('accuracy')!.textContent !== '–');
}, 60_000);

afterAll(async () => {
  await served?.close();
});

const steps = async () => Number(await page.textContent('#steps'));
/** The session's state as the page shows it: idle, building, ready, playing or error. */
const phase = () => page.getAttribute('#status', 'data-phase');
const untilPhase = (wanted: string, timeout = 30_000) =>
  page.waitForFunction((p) => document.getElementById('status')!.dataset.phase === p, wanted, {
    timeout,
  });
/**
 * Whether the step count grows over the next 800 ms: true as soon as it does; false only once
 * the whole window has passed without a step.
 */
async function advancing(): Promise<boolean> {
  const before = await steps();
  return page
    .waitForFunction((n) => Number(document.getElementById('steps')!.textContent) > n, before, {
      timeout: 800,
    })
    .then(
      () => true,
      (error: unknown) => {
        if (error instanceof playwrightErrors.TimeoutError) return false;
        throw error;
      },
    );
}
/** Plays until the step count passes `count`. */
async function play(count: number): Promise<void> {
  await page.click('#play');
  await page.waitForFunction(
    (n) => Number(document.getElementById('steps')!.textContent) > n,
    count,
    { timeout: 60_000 },
  );
}

/**
 * Where the training points are drawn on the regions canvas, in the page's coordinates: a pixel
 * of each point's fill (the first found, scanning rows, with fill 3 pixels below it too: a test
 * point's ring is hollow), at most one within 12 pixels of another.
 */
async function pointsOnCanvas(): Promise<{ x: number; y: number }[]> {
  return page.evaluate(() => {
    const canvas = document.getElementById('regions') as HTMLCanvasElement;
    // In view, all of it: the trace below may have scrolled the page past its top.
    canvas.scrollIntoView({ block: 'nearest' });
    const rect = canvas.getBoundingClientRect();
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const fills = [
      [31, 119, 180],
      [255, 127, 14],
    ];
    const found: { x: number; y: number }[] = [];
    for (let y = 0; y < canvas.height; y++) {
      for (let x = 0; x < canvas.width; x++) {
        const filled = (i: number) =>
          fills.some(([r, g, b]) => pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b);
        const fill = filled(4 * (y * canvas.width + x)) && filled(4 * ((y + 3) * canvas.width + x));
        if (fill && found.every((p) => (p.x - x) ** 2 + (p.y - y) ** 2 > 12 ** 2))
          found.push({ x, y });
      }
    }
    // A pixel or two inside the outline, so the click lands nearest this point.
    return found.map((p) => ({ x: rect.left + p.x + 1, y: rect.top + p.y + 2 }));
  });
}
/** Clicks a point and waits for its trace to be drawn, in place of any drawn before. */
async function trace(point: { x: number; y: number }): Promise<void> {
  await page.evaluate(() => document.querySelector('#trace svg')?.setAttribute('data-old', ''));
  await page.mouse.click(point.x, point.y);
  await page.waitForSelector('#trace svg:not([data-old])', { timeout: 30_000 });
}
/** How wide the trace's picture is drawn now, in CSS pixels. */
const traceWidth = () =>
  page.evaluate(() => document.querySelector('#trace svg')!.getBoundingClientRect().width);

/** Types into a field and leaves it, as a user does: the page reads it on change. */
/** The program panel's text, whether it is still plain text or in the editor. */
async function program(): Promise<string> {
  return (await page.getAttribute('#code', 'data-program')) ?? '';
}
async function type(field: keyof Config, text: string): Promise<void> {
  await page.fill(`#${field}`, text);
  await page.press(`#${field}`, 'Tab');
}
/** What each of the fields shows, read in one call to the page rather than one a field. */
const fieldValues = (fields: readonly (keyof Config)[]) =>
  page.evaluate(
    (ids) => ids.map((id) => (document.getElementById(id) as HTMLInputElement).value),
    fields,
  );
/** The default settings back in every field, built and ready. */
async function defaults(): Promise<void> {
  const text = textOf(defaultConfig);
  const fields = Object.keys(text) as (keyof Config)[];
  let shown = await fieldValues(fields);
  for (const [k, field] of fields.entries()) {
    if (shown[k] === text[field]) continue;
    if (await page.$(`select#${field}`)) await page.selectOption(`#${field}`, text[field]);
    else await type(field, text[field]);
    // Read again: a change can move another field (a data set picks the losses on offer).
    shown = await fieldValues(fields);
  }
  if ((await phase()) === 'playing') await page.click('#pause');
  await untilPhase('ready');
}

test('the page loads with no console errors', async () => {
  await page.screenshot({ path: path.join(shots, '1-loaded.png') });
  expect(errors).toEqual([]);
  expect(await program()).toContain("from 'gradscript'");
});

test('playing 200 steps on the moons lifts the accuracy above 95%; pause stops the counter', async () => {
  await page.click('#play');
  await page.waitForFunction(
    () => Number(document.getElementById('steps')!.textContent) >= 200,
    null,
    { timeout: 60_000 },
  );
  await page.click('#pause');
  expect(await phase()).toBe('ready');
  await page.waitForTimeout(600); // the steps in flight land
  const settled = await steps();
  await page.waitForTimeout(600);
  expect(await steps()).toBe(settled);
  expect(parseFloat((await page.textContent('#accuracy'))!)).toBeGreaterThan(95);
  await page.screenshot({ path: path.join(shots, '2-trained.png') });
}, 90_000);

/** The network picture's hidden neurons' maps: how many, and how many of each one's pixels differ from its first. */
const neuronMaps = () =>
  page.$$eval('#network canvas:not(.output)', (maps) =>
    (maps as HTMLCanvasElement[]).map((map) => {
      const pixels = map.getContext('2d')!.getImageData(0, 0, map.width, map.height).data;
      let varied = 0;
      let transparent = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] === 0) transparent++;
        if ([0, 1, 2].some((c) => pixels[i + c] !== pixels[c])) varied++;
      }
      return { width: map.width, transparent, varied };
    }),
  );
/** The network picture's edges: each one's colour and width. */
const edges = () =>
  page.$$eval('#network path.weight', (lines) =>
    lines.map((line) => ({
      stroke: line.getAttribute('stroke'),
      width: Number(line.getAttribute('stroke-width')),
    })),
  );

test('the held-out test points have a finite loss and accuracy, beside the training ones', async () => {
  const testStats = await page.$eval('#test-stats', (line) => ({
    visible: line.checkVisibility(),
    size: Number(document.getElementById('test-size')!.textContent),
    loss: Number(document.getElementById('test-loss')!.textContent),
    accuracy: parseFloat(document.getElementById('test-accuracy')!.textContent!),
  }));
  expect(testStats.visible).toBe(true);
  expect(testStats.size).toBe(20);
  expect(Number.isFinite(testStats.loss)).toBe(true);
  expect(testStats.accuracy).toBeGreaterThan(80);
  expect(testStats.accuracy).toBeLessThanOrEqual(100);
  // Dashed beside the training loss on the chart.
  expect(await page.getAttribute('#curves path.curve.test-loss', 'd')).toMatch(/^M[\d.]+ [\d.]+L/);
  await page
    .locator('section[aria-label="training"]')
    .screenshot({ path: path.join(shots, '2b-test-and-neurons.png') });
});

test('the network picture: every hidden neuron’s map, an edge a weight, coloured and thickened, moving as it trains', async () => {
  const picture = page.getByRole('group', { name: 'network', exact: true });
  expect(await picture.count()).toBe(1);
  const maps = await neuronMaps();
  expect(maps).toHaveLength(32);
  for (const map of maps) expect(map).toMatchObject({ width: 40, transparent: 0 });
  // A ReLU neuron may have died, 0 everywhere and white; most vary over the surface.
  expect(maps.filter((m) => m.varied > 0).length).toBeGreaterThan(16);
  // The output's node shows the decision surface.
  expect(await page.$$('#network canvas.output')).toHaveLength(1);
  const trained = await edges();
  expect(trained).toHaveLength(2 * 16 + 16 * 16 + 16);
  const colours = new Set(trained.map((e) => e.stroke));
  expect(colours).toEqual(new Set(['rgb(245, 140, 40)', 'rgb(31, 119, 180)']));
  expect(new Set(trained.map((e) => e.width)).size).toBeGreaterThan(20);
  await page.locator('#network-panel').screenshot({ path: path.join(shots, '2d-network.png') });
  // A few steps move the weights, and the edges with them (from the start: trained this far, the
  // hinge loss may be 0 and move nothing).
  await page.click('#reset');
  await untilPhase('ready');
  const untrained = await edges();
  for (let i = 0; i < 3; i++) {
    const before = await steps();
    await page.click('#step');
    await page.waitForFunction(
      (n) => Number(document.getElementById('steps')!.textContent) > n,
      before,
    );
  }
  expect(await edges()).not.toEqual(untrained);

  await type('hidden', '24,8');
  await untilPhase('ready');
  expect(await neuronMaps()).toHaveLength(32);
  expect(await page.getAttribute('#network', 'data-layers')).toBe('2,24,8,1');
  await page.screenshot({ path: path.join(shots, '2c-network-24-8.png') });
  await type('hidden', '5');
  await untilPhase('ready');
  const narrow = await neuronMaps();
  expect(narrow).toHaveLength(5);
  expect(narrow.every((m) => m.varied > 0)).toBe(true);
  expect(await edges()).toHaveLength(2 * 5 + 5);
  await type('testShare', '0');
  await untilPhase('ready');
  expect(await page.textContent('#test-size')).toBe('0');
  expect(await page.textContent('#test-loss')).toBe('–');
  expect(await program()).not.toContain('split(');
  await defaults();
  await play(200);
  await page.click('#pause');
  await untilPhase('ready');
}, 120_000);

test('clicking a point shows the graph of its prediction, with data and grad; a neuron opens', async () => {
  const [target] = await pointsOnCanvas();
  expect(target).toBeDefined();
  await page.mouse.click(target.x, target.y);
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

test('the trace fits its column, zooms, pans, and names every node', async () => {
  const [point] = await pointsOnCanvas();
  await trace(point);
  const layout = () =>
    page.evaluate(() => ({
      view: document.getElementById('trace')!.getBoundingClientRect().toJSON() as DOMRect,
      svg: document.querySelector('#trace svg')!.getBoundingClientRect().toJSON() as DOMRect,
      scrollWidth: document.scrollingElement!.scrollWidth,
      innerWidth,
    }));
  const fitted = await layout();
  expect(fitted.scrollWidth).toBeLessThanOrEqual(fitted.innerWidth);
  expect(fitted.svg.right).toBeLessThanOrEqual(fitted.innerWidth);
  expect(fitted.svg.width).toBeLessThanOrEqual(fitted.view.width);
  expect(fitted.view.right).toBeLessThanOrEqual(fitted.innerWidth);
  await page.screenshot({ path: path.join(shots, '3a-trace-fitted.png') });

  // Every node says what it is: a record's first field (no text when empty) or an operation.
  const unnamed = () =>
    page.$$eval('#trace g.node', (nodes) =>
      nodes
        .filter((node) => {
          const first = node.querySelector('text')?.textContent ?? '';
          return first.trim() === '' || /^(data|grad) /.test(first);
        })
        .map((node) => node.querySelector('title')!.textContent),
    );
  expect(await unnamed()).toEqual([]);

  await page.click('#zoom-in');
  expect(await traceWidth()).toBeCloseTo(fitted.svg.width * 1.5, 0);
  await page.click('#zoom-in');
  const zoomed = await layout();
  expect(zoomed.svg.width).toBeCloseTo(fitted.svg.width * 2.25, 0);
  // The picture grows inside its column, which scrolls; the page does not.
  expect(zoomed.scrollWidth).toBeLessThanOrEqual(zoomed.innerWidth);
  expect([zoomed.view.left, zoomed.view.width]).toEqual([fitted.view.left, fitted.view.width]);
  await page.screenshot({ path: path.join(shots, '3b-trace-zoomed.png') });

  const scroll = () => page.$eval('#trace', (view) => [view.scrollLeft, view.scrollTop]);
  const [left, top] = await scroll();
  // In the window, so that the drag starts on the picture: the page may reach below it.
  const view = await page.$eval('#trace', (element) => {
    element.scrollIntoView({ block: 'nearest' });
    return element.getBoundingClientRect().toJSON() as DOMRect;
  });
  const centre = { x: view.x + view.width / 2, y: view.y + 100 };
  await page.evaluate(() => document.querySelector('#trace svg')!.setAttribute('data-old', ''));
  await page.mouse.move(centre.x, centre.y);
  await page.mouse.down();
  await page.mouse.move(centre.x + 60, centre.y + 30, { steps: 5 });
  await page.mouse.up();
  // A drag that ends on a neuron does not open it: the picture is not redrawn.
  await page.waitForTimeout(300);
  expect(await page.$('#trace svg[data-old]')).not.toBeNull();
  const [draggedLeft, draggedTop] = await scroll();
  // As far as it can go: a short graph may not scroll up and down at all.
  expect(draggedLeft).toBeCloseTo(Math.max(0, left - 60), 0);
  expect(draggedTop).toBeCloseTo(Math.max(0, top - 30), 0);
  // Ctrl + wheel zooms too, out here.
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, 200);
  await page.keyboard.up('Control');
  // The wheel event may reach the page after mouse.wheel returns (on a loaded machine it did).
  await page.waitForFunction(
    (width) => document.querySelector('#trace svg')!.getBoundingClientRect().width < width,
    zoomed.svg.width,
    { timeout: 5000 },
  );
  await page.click('#zoom-fit');
  expect(await traceWidth()).toBeCloseTo(fitted.svg.width, 0);

  // A neuron opened shows its weights, bias, products, sum and activation, each named.
  await page.click('#trace g.node[id="neuron-0"]');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#trace svg text')].some((t) => t.textContent === 'w1*x1'),
  );
  const texts = await page.$$eval('#trace svg text', (nodes) => nodes.map((n) => n.textContent));
  expect(texts).toEqual(expect.arrayContaining(['w1', 'w2', 'b', 'w1*x1', 'w2*x2', 'Σ', 'relu']));
  expect(await unnamed()).toEqual([]);
  // Opening a neuron keeps the view: the picture is as wide as it was.
  expect(await traceWidth()).toBeLessThanOrEqual(fitted.view.width);
}, 60_000);

test('a point whose loss is 0 says why its gradients are 0, and shows its score', async () => {
  let note = '';
  for (const point of await pointsOnCanvas()) {
    await trace(point);
    note = (await page.textContent('#trace-note'))!;
    if (note !== '') break;
  }
  expect(note).toMatch(
    /^point \d+'s gradients are all 0: the hinge margin is met \(y·s = [\d.]+, at least 1\), so its loss max\(0, 1 − y·s\) is 0 and passes no gradient back; shown instead: its score/,
  );
  expect(await page.textContent('#trace-caption')).toMatch(
    /^the score of point \d+, after backward/,
  );
  expect(await page.isVisible('#trace-note')).toBe(true);
  await page.screenshot({ path: path.join(shots, '3c-trace-score.png') });
}, 60_000);

test('the trace goes stale as training moves on, and refresh brings it up to date', async () => {
  expect(await page.isHidden('#trace-refresh')).toBe(true);
  const before = await steps();
  await page.click('#step');
  await page.waitForFunction(
    (n) => Number(document.getElementById('steps')!.textContent) > n,
    before,
  );
  expect(await page.textContent('#trace-refresh')).toBe(
    'stale: training has moved on, click to refresh',
  );
  expect(await page.isVisible('#trace-refresh')).toBe(true);
  expect(await page.getAttribute('#trace', 'class')).toContain('stale');
  await page.screenshot({ path: path.join(shots, '3d-trace-stale.png') });
  await page.click('#trace-refresh');
  await page.waitForSelector('#trace-refresh', { state: 'hidden' });
  expect(await page.getAttribute('#trace', 'class')).not.toContain('stale');
}, 60_000);

test('the curves have axes with numbers, the loss on a log scale if asked; the stats keep one line', async () => {
  const ticks = (axis: string) =>
    page.$$eval(`#curves text.tick.${axis}`, (nodes) => nodes.map((n) => n.textContent));
  expect(await ticks('accuracy')).toEqual(['0%', '25%', '50%', '75%', '100%']);
  expect((await ticks('step')).length).toBeGreaterThan(2);
  expect((await ticks('step'))[0]).toBe('0');
  const linear = await ticks('loss');
  expect(linear[0]).toBe('0');
  await page.check('#log-loss');
  const logarithmic = await ticks('loss');
  expect(logarithmic.length).toBeGreaterThan(1);
  for (const tick of logarithmic) expect(Math.log10(Number(tick)) % 1).toBeCloseTo(0, 9);
  await page
    .locator('section[aria-label="training"]')
    .screenshot({ path: path.join(shots, '2a-curves.png') });
  await page.uncheck('#log-loss');
  // However large the numbers, each line one line as wide as its column.
  const stats = await page.$$eval('.stats', (lines) =>
    lines.map((line) => ({
      lines: Math.round(
        line.getBoundingClientRect().height / parseFloat(getComputedStyle(line).lineHeight),
      ),
      overflow: line.scrollWidth - line.clientWidth,
    })),
  );
  expect(stats).toEqual([
    { lines: 1, overflow: 0 },
    { lines: 1, overflow: 0 },
    { lines: 1, overflow: 0 },
  ]);
});

test('the code panel’s program, run by gradscript run, reaches the loss the page shows', async () => {
  // A few steps from the start, one click each: played long, the hinge loss reaches exactly 0.
  await page.click('#reset');
  await untilPhase('ready');
  for (let n = 1; n <= 20; n++) {
    await page.click('#step');
    await page.waitForFunction(
      (n) => Number(document.getElementById('steps')!.textContent) === n,
      n,
    );
  }
  const shown = await program();
  const loss = await page.getAttribute('#loss-value', 'data-exact');
  const file = path.join(__dirname, 'fixtures', `playground-e2e-${process.pid}.ts`);
  fs.writeFileSync(file, shown);
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

test('play pressed during a rebuild starts training once the model is built', async () => {
  // In one task, so that the click lands before the worker can answer the change.
  const during = await page.evaluate(() => {
    const hidden = document.getElementById('hidden') as HTMLInputElement;
    hidden.value = '12,12';
    hidden.dispatchEvent(new Event('change'));
    const building = document.getElementById('status')!.textContent;
    document.getElementById('play')!.click();
    return [building, document.getElementById('status')!.textContent];
  });
  expect(during).toEqual(['building…', 'building…, then playing']);
  await untilPhase('playing');
  await page.waitForFunction(() => Number(document.getElementById('steps')!.textContent) > 0);
  expect(await program()).toContain('new MLP(2, [12, 12, 1]');
  await page.click('#pause');
  await type('hidden', '16,16');
  await untilPhase('ready');
}, 60_000);

test('a rebuild says so and dims the old picture; play pressed during it waits for it', async () => {
  // A thousand points through a larger network: the first step records a big graph, and a
  // change made meanwhile is built only after it.
  await type('samples', '1000');
  await type('hidden', '32,32');
  await untilPhase('ready');
  await page.click('#step');
  // The change and the play click in one task of the page, so that no reply of the worker can
  // come between them, however fast the step and the build are.
  const seen = await page.evaluate(() => {
    const seed = document.getElementById('seed') as HTMLInputElement;
    seed.value = '2';
    seed.dispatchEvent(new Event('change'));
    const status = document.getElementById('status')!;
    const building = {
      phase: status.dataset.phase,
      text: status.textContent,
      stale: document.body.classList.contains('stale'),
    };
    document.getElementById('play')!.click();
    return {
      building,
      then: status.textContent,
      playDisabled: (document.getElementById('play') as HTMLButtonElement).disabled,
      pauseDisabled: (document.getElementById('pause') as HTMLButtonElement).disabled,
    };
  });
  expect(seen).toEqual({
    building: { phase: 'building', text: 'building…', stale: true },
    then: 'building…, then playing',
    playDisabled: true,
    pauseDisabled: false,
  });
  await page.screenshot({ path: path.join(shots, '5-building.png') });
  await untilPhase('playing', 60_000);
  await page.waitForFunction(
    () => Number(document.getElementById('steps')!.textContent) > 0,
    null,
    {
      timeout: 60_000,
    },
  );
  expect(await page.evaluate(() => document.body.classList.contains('stale'))).toBe(false);
  await defaults();
}, 120_000);

test('rapid play, pause, step and reset end consistent: the status says whether steps advance', async () => {
  for (const round of [1, 2, 3, 4]) {
    await page.evaluate(async (round) => {
      const buttons = ['play', 'pause', 'reset', 'step'].map((id) => document.getElementById(id)!);
      let seed = round;
      for (let i = 0; i < 25; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        buttons[seed % buttons.length].click(); // a disabled button ignores it, as for a user
        if (seed % 3 === 0) await new Promise((resolve) => setTimeout(resolve, seed % 40));
      }
    }, round);
    await page.waitForFunction(() =>
      ['ready', 'playing'].includes(document.getElementById('status')!.dataset.phase!),
    );
    await page.waitForTimeout(300); // the steps in flight land
    const playing = (await phase()) === 'playing';
    expect(await advancing()).toBe(playing);
    expect(await page.isDisabled('#play')).toBe(playing);
    expect(await page.isDisabled('#pause')).toBe(!playing);
    expect(await page.textContent('#status')).toBe(playing ? 'playing' : 'ready');
  }
  await defaults();
  await page.click('#reset');
  await untilPhase('ready');
  expect(await page.textContent('#speed')).toBe('0');
}, 120_000);

describe.each<[keyof Config, string]>([
  ['hidden', '16,0,16'],
  ['batchSize', '-5'],
  ['seed', 'abc'],
  ['noise', '5'],
  ['samples', '5000'],
  ['lr', 'abc'],
  ['lr', '0'],
  ['hidden', '64,64'],
  ['testShare', '0.95'],
  ['l2', '-1'],
])('%s "%s"', (field, typed) => {
  test('is refused next to its field, and play trains nothing', async () => {
    await play(20);
    await page.click('#pause');
    await type(field, typed);
    const parsed = parseSettings({ ...textOf(defaultConfig), [field]: typed });
    const message = 'problems' in parsed ? parsed.problems[0].message : 'no problem';
    expect(await page.textContent(`#${field}-problem`)).toBe(message);
    expect(await page.getAttribute(`#${field}`, 'aria-invalid')).toBe('true');
    expect(await phase()).toBe('error');
    expect(await page.isDisabled('#play')).toBe(true);
    expect(await page.evaluate(() => document.body.classList.contains('stale'))).toBe(true);
    await page.click('#play', { force: true });
    // The picture is taken while the step count is watched: neither changes the page.
    const [advanced] = await Promise.all([
      advancing(),
      page.screenshot({ path: path.join(shots, `6-refused-${field}-${typed}.png`) }),
    ]);
    expect(advanced).toBe(false);
    await defaults();
    expect(await page.textContent(`#${field}-problem`)).toBe('');
  }, 60_000);
});

test('the program panel follows the model trained, never a refused setting', async () => {
  await type('lr', '0.05');
  await untilPhase('ready');
  expect(await program()).toContain('{ lr: 0.05 }');
  await type('lr', '0');
  expect(await program()).toContain('{ lr: 0.05 }');
  expect(await page.isDisabled('#play')).toBe(true);
  await defaults();
  expect(await program()).toContain('{ lr: 0.1 }');
}, 60_000);

test('a learning rate that makes the loss run away pauses with a warning at the learning rate', async () => {
  await type('lr', '1e6');
  await untilPhase('ready');
  await page.click('#play');
  await untilPhase('error');
  expect(await page.textContent('#lr-problem')).toMatch(
    /^training diverged: the loss went from .* the learning rate 1000000 is too large, try a smaller one$/,
  );
  expect(await page.isDisabled('#play')).toBe(true);
  const [advanced] = await Promise.all([
    advancing(),
    page.screenshot({ path: path.join(shots, '7-diverged.png') }),
  ]);
  expect(advanced).toBe(false);
  await defaults();
}, 60_000);

test('the spiral, of three classes, offers and trains cross-entropy only', async () => {
  await page.selectOption('#dataset', 'spiral');
  expect(await page.$$eval('#loss option', (options) => options.map((o) => o.textContent))).toEqual(
    ['crossentropy'],
  );
  expect(await page.inputValue('#loss')).toBe('crossentropy');
  await untilPhase('ready');
  expect(await program()).toContain('crossEntropy(');
  await type('hidden', '16,16,16');
  await page.selectOption('#optimizer', 'adam');
  await type('lr', '0.02');
  await untilPhase('ready');
  await play(300);
  await page.click('#pause');
  expect(parseFloat((await page.textContent('#accuracy'))!)).toBeGreaterThan(60);
  await page.screenshot({ path: path.join(shots, '8-spiral.png') });
  await page.selectOption('#dataset', 'moons');
  expect(await page.$$eval('#loss option', (options) => options.map((o) => o.textContent))).toEqual(
    ['hinge', 'bce', 'mse', 'crossentropy'],
  );
  await defaults();
}, 120_000);

/** Waits until the program panel shows `text`: it follows the model once built. */
const programShows = (text: string) =>
  page.waitForFunction((t) => document.getElementById('code')!.dataset.program!.includes(t), text, {
    timeout: 30_000,
  });

test('the learning rate slider and field follow each other, as do the noise ones', async () => {
  await defaults();
  const at = (lr: number) => String(LR_SCALE.positionOf(lr));
  expect(await page.inputValue('#lr-slider')).toBe(at(0.1));
  // A step right on the slider: the next learning rate, in the field and trained with.
  await page.focus('#lr-slider');
  await page.keyboard.press('ArrowRight');
  expect(await page.inputValue('#lr')).toBe('0.2');
  await untilPhase('ready');
  await programShows('{ lr: 0.2 }');
  // Typed: the slider follows a value the field takes, to the nearest step.
  await type('lr', '0.01');
  expect(await page.inputValue('#lr-slider')).toBe(at(0.01));
  await untilPhase('ready');
  await programShows('{ lr: 0.01 }');
  await type('lr', '0.03');
  expect(await page.inputValue('#lr-slider')).toBe(at(0.02));
  // Refused: the slider stays, the field keeps what was typed and says why.
  await type('lr', 'abc');
  expect(await page.inputValue('#lr-slider')).toBe(at(0.02));
  expect(await page.inputValue('#lr')).toBe('abc');
  expect(await page.textContent('#lr-problem')).toBe(
    'learning rate must be a number greater than 0; got "abc"',
  );
  expect(await phase()).toBe('error');
  await page.focus('#noise-slider');
  await page.keyboard.press('ArrowLeft');
  expect(await page.inputValue('#noise')).toBe('0.05');
  await type('noise', '0.7');
  expect(await page.inputValue('#noise-slider')).toBe('14');
  await type('noise', '5');
  expect(await page.inputValue('#noise-slider')).toBe('14');
  expect(await page.textContent('#noise-problem')).toBe(
    'noise must be a number from 0 to 1; got "5"',
  );
  await defaults();
  expect(await page.inputValue('#lr-slider')).toBe(at(0.1));
  expect(await page.inputValue('#noise-slider')).toBe('2');
}, 60_000);

test('+ layer, − layer and each layer’s +/− edit the hidden field and rebuild', async () => {
  await defaults();
  await page.click('#add-layer');
  expect(await page.inputValue('#hidden')).toBe('16,16,16');
  await untilPhase('ready');
  await programShows('new MLP(2, [16, 16, 16, 1]');
  await page.click('#layer-3-minus');
  expect(await page.inputValue('#hidden')).toBe('16,16,15');
  await untilPhase('ready');
  await programShows('new MLP(2, [16, 16, 15, 1]');
  await page.screenshot({ path: path.join(shots, '1b-controls.png') });
  await page.click('#layer-1-plus');
  expect(await page.inputValue('#hidden')).toBe('17,16,15');
  await page.click('#remove-layer');
  expect(await page.inputValue('#hidden')).toBe('17,16');
  await untilPhase('ready');
  await programShows('new MLP(2, [17, 16, 1]');
  // Past the parameter limit a + still goes through the field, which refuses it and says why.
  await type('hidden', '42,42');
  await untilPhase('ready');
  await page.click('#layer-2-plus');
  expect(await page.inputValue('#hidden')).toBe('42,43');
  expect(await page.textContent('#hidden-problem')).toBe(
    'hidden must be layer sizes that make at most 2,000 parameters; got "42,43", which make 2,019',
  );
  expect(await phase()).toBe('error');
  await page.click('#layer-2-minus');
  await untilPhase('ready');
  expect(await page.textContent('#hidden-problem')).toBe('');
  // One hidden layer, of one neuron: neither can go.
  await type('hidden', '1');
  expect(await page.isDisabled('#remove-layer')).toBe(true);
  expect(await page.isDisabled('#layer-1-minus')).toBe(true);
  expect(await page.getAttribute('#layer-1-minus', 'title')).toMatch(/has one neuron/);
  // Text that holds no layer sizes: every button disabled, saying why.
  await type('hidden', '16,,16');
  for (const id of ['#add-layer', '#remove-layer']) {
    expect(await page.isDisabled(id)).toBe(true);
    expect(await page.getAttribute(id, 'title')).toMatch(/holds no layer sizes; fix it first/);
  }
  expect(await page.$$('#neuron-buttons button')).toHaveLength(0);
  await defaults();
  expect(await page.$$('#neuron-buttons button')).toHaveLength(4);
}, 90_000);

test('the program can be edited and run here: it prints its loss, an edit changes it, a problem is marked at its line', async () => {
  await defaults();
  const original = (await program()).replace(/const steps = \d+;/, 'const steps = 20;');
  await page.click('#code pre'); // the plain text becomes the editor
  await page.waitForSelector('#code .cm-content');
  /** Puts `text` in the editor as typed, runs it, and returns what it printed once it ends. */
  const run = async (text: string) => {
    await page.click('#code .cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(text);
    await page.click('#run-program');
    await page.waitForFunction(
      () => /ran in|not run|stopped/.test(document.getElementById('program-status')!.textContent!),
      null,
      { timeout: 90_000 },
    );
    return (await page.textContent('#program-output'))!;
  };
  const lossIn = (printed: string) => Number(/loss (\S+)$/.exec(printed)![1]);
  const first = await run(original);
  expect(await page.textContent('#program-status')).toMatch(/^compiled in \d+ ms, ran in \d+ ms$/);
  expect(Number.isFinite(lossIn(first))).toBe(true);
  expect(await page.isVisible('#revert-program')).toBe(true);

  const slower = await run(original.replace(/\{ lr: [\d.]+ \}/, '{ lr: 0.01 }'));
  expect(lossIn(slower)).not.toBe(lossIn(first));

  const lines = original.split('\n');
  const at = lines.findIndex((l) => l.startsWith('const steps'));
  lines.splice(at + 1, 0, "const rate: number = 'fast';");
  expect(await run(lines.join('\n'))).toBe(
    `line ${at + 2}: Type 'string' is not assignable to type 'number'.`,
  );
  expect(await page.textContent('#program-status')).toBe('not run');
  expect(await page.locator('#code .cm-lintRange-error').count()).toBe(1);
  await page.screenshot({ path: path.join(shots, '9-program-problem.png') });

  lines.splice(at + 1, 1, "throw new Error('stopped by hand');");
  expect(await run(lines.join('\n'))).toBe(`line ${at + 2}: Error: stopped by hand`);

  // A program that never ends: stop ends its worker, and the next run starts a new one.
  await page.click('#code .cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText("console.log('spinning');\nwhile (true) {}\n");
  await page.click('#run-program');
  await page.waitForFunction(() =>
    document.getElementById('program-output')!.textContent!.includes('spinning'),
  );
  expect(await page.isDisabled('#run-program')).toBe(true);
  await page.click('#stop-program');
  expect(await page.textContent('#program-status')).toBe('stopped');
  expect(await page.isEnabled('#run-program')).toBe(true);
  expect(lossIn(await run(original))).toBe(lossIn(first));

  await page.click('#revert-program');
  expect(await program()).toBe(
    await page.evaluate(() => document.getElementById('code')!.dataset.program),
  );
  expect(await program()).toContain('const steps = ');
  expect(await page.isVisible('#revert-program')).toBe(false);
}, 180_000);

/** The weight the readout shows, for the edge pointed at or focused. */
const readWeight = async () =>
  Number(/: (-?[\d.]+)$/.exec((await page.textContent('#network-weight'))!.trim())![1]);
/** The regions canvas's pixels, to tell whether the decision surface changed. */
const surfacePixels = () =>
  page.$eval('#regions', (canvas) => (canvas as HTMLCanvasElement).toDataURL());

test('an edge shows its weight on hover; a click edits it, the output changes, and training goes on from it', async () => {
  await defaults();
  // Into the output from the neuron it weighs most: a neuron that is alive, so the edit shows.
  const intoOutput = (await edges()).slice(2 * 16 + 16 * 16).map((e) => e.width);
  const widest = intoOutput.indexOf(Math.max(...intoOutput));
  const edge = page.locator('#network path.hit').nth(2 * 16 + 16 * 16 + widest);
  await edge.hover();
  expect(await page.textContent('#network-weight')).toBe(
    `weight neuron ${widest + 1} of layer 2 → output: ${(await readWeight()).toFixed(4)}`,
  );
  const before = await surfacePixels();
  await edge.click();
  expect(await page.isVisible('#weight-editor')).toBe(true);
  expect(await page.evaluate(() => document.activeElement!.id)).toBe('weight-value');
  await page.fill('#weight-value', 'big');
  await page.press('#weight-value', 'Enter');
  expect(await page.textContent('#weight-problem')).toBe(
    'a weight must be a number, such as 0.5 or -1.2; got "big"',
  );
  await page.fill('#weight-value', '-6');
  await page.press('#weight-value', 'Enter');
  expect(await page.isHidden('#weight-editor')).toBe(true);
  await page.waitForFunction(
    (old) => (document.getElementById('regions') as HTMLCanvasElement).toDataURL() !== old,
    before,
  );
  expect(await readWeight()).toBe(-6);
  expect(await page.isVisible('#program-edited')).toBe(true);
  await page.screenshot({ path: path.join(shots, '2e-weight-edited.png') });
  // A step trains on from -6: the weight moves, a little, from there.
  const at = await steps();
  await page.click('#step');
  await page.waitForFunction((n) => Number(document.getElementById('steps')!.textContent) > n, at);
  const moved = await readWeight();
  expect(moved).not.toBe(-6);
  expect(Math.abs(moved + 6)).toBeLessThan(1);
  await page.click('#reset');
  await untilPhase('ready');
  expect(await page.isHidden('#program-edited')).toBe(true);
}, 60_000);

test('the network’s edges by keyboard: one Tab stop, the arrows move, Enter edits, Escape goes back', async () => {
  await page.focus('#network path.hit[tabindex="0"]');
  const first = (await page.textContent('#network-weight'))!;
  expect(first).toMatch(/^weight x1 → neuron 1 of layer 1: /);
  await page.keyboard.press('ArrowDown');
  expect(await page.textContent('#network-weight')).toMatch(/^weight x2 → neuron 1 of layer 1: /);
  expect(await page.$$('#network path.hit[tabindex="0"]')).toHaveLength(1);
  expect(await page.getAttribute('#network path.hit:focus', 'aria-label')).toMatch(
    /^weight x2 → neuron 1 of layer 1: -?\d+\.\d{4}; Enter edits it$/,
  );
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => document.activeElement!.id)).toBe('weight-value');
  await page.keyboard.press('Escape');
  expect(await page.isHidden('#weight-editor')).toBe(true);
  expect(await page.evaluate(() => document.activeElement!.classList.contains('hit'))).toBe(true);
  // The page's shortcuts are not the edges' arrows: no step was taken.
  expect(await steps()).toBe(0);
});

test('the speed control plays one step a second, and the epochs count the passes', async () => {
  await defaults();
  await type('batchSize', '16'); // 80 training points: five steps an epoch
  await untilPhase('ready');
  await page.selectOption('#speed-control', '1');
  expect(page.url()).toMatch(/[#&]speed=1(&|$)/);
  await page.click('#play');
  await page.waitForTimeout(3500);
  const played = await steps();
  await page.click('#pause');
  // A step a second: about 3 in 3.5 s, and certainly not the thousands at full speed.
  expect(played).toBeGreaterThanOrEqual(2);
  expect(played).toBeLessThanOrEqual(5);
  await page.selectOption('#speed-control', '500');
  await play(30);
  await page.click('#pause');
  await untilPhase('ready');
  await page.waitForTimeout(300);
  const done = await steps();
  expect(Number(await page.textContent('#epoch'))).toBe(Math.floor(done / 5));
  await page.selectOption('#speed-control', 'max');
  await defaults();
}, 60_000);

/** The regions canvas's pixels: how many are pure white, and how many one of the regions' full colours. */
const plotPixels = () =>
  page.$eval('#regions', (canvas) => {
    const pixels = (canvas as HTMLCanvasElement)
      .getContext('2d')!
      .getImageData(
        0,
        0,
        (canvas as HTMLCanvasElement).width,
        (canvas as HTMLCanvasElement).height,
      ).data;
    const regions = [
      [143, 187, 218],
      [255, 191, 135],
    ];
    let white = 0;
    let full = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
      if (r === 255 && g === 255 && b === 255) white++;
      if (regions.some(([R, G, B]) => r === R && g === G && b === B)) full++;
    }
    return { white, full, all: pixels.length / 4 };
  });

test('show test data and discretize output redraw the plot, and the link keeps them', async () => {
  await defaults();
  const shown = await plotPixels();
  // Each test point's hollow ring is white inside.
  expect(shown.white).toBeGreaterThan(200);
  await page.uncheck('#show-test');
  expect(page.url()).toMatch(/[#&]showTest=0(&|$)/);
  const hidden = await plotPixels();
  expect(shown.white - hidden.white).toBeGreaterThan(200);
  await page.check('#discretize');
  expect(page.url()).toMatch(/[#&]discretize=1(&|$)/);
  const discretized = await plotPixels();
  expect(discretized.full).toBeGreaterThan(0.8 * discretized.all);
  expect(discretized.full).toBeGreaterThan(hidden.full);
  await page.screenshot({ path: path.join(shots, '12-discretized.png') });
  await page.check('#show-test');
  await page.uncheck('#discretize');
}, 30_000);

test('the input buttons add x1², x2², x1·x2, sin x1 and sin x2 to the network and take them out', async () => {
  await defaults();
  await page.click('#feature-x1\\^2');
  await page.click('#feature-sinx2');
  expect(await page.inputValue('#features')).toBe('x1,x2,x1^2,sinx2');
  expect(await page.getAttribute('#feature-x1\\^2', 'aria-pressed')).toBe('true');
  await untilPhase('ready');
  expect(await page.getAttribute('#network', 'data-layers')).toBe('4,16,16,1');
  expect(
    await page.$$eval('#network text.input', (labels) => labels.map((l) => l.textContent)),
  ).toEqual(['x1', 'x2', 'x1²', 'sin x2']);
  await programShows('const features = ([x1, x2]: number[]) => [x1, x2, x1 * x1, Math.sin(x2)];');
  await programShows('new MLP(4, [16, 16, 1]');
  await play(100);
  await page.click('#pause');
  await untilPhase('ready');
  await page
    .locator('#network-panel')
    .screenshot({ path: path.join(shots, '2f-network-inputs.png') });
  await page.click('#feature-x1\\^2');
  await page.click('#feature-sinx2');
  expect(await page.inputValue('#features')).toBe('x1,x2');
  await untilPhase('ready');
  expect(await page.getAttribute('#network', 'data-layers')).toBe('2,16,16,1');
}, 60_000);

test('L2 regularisation and linear neurons train, and the program says so', async () => {
  await defaults();
  await type('l2', '0.01');
  await page.selectOption('#activation', 'linear');
  await untilPhase('ready');
  await programShows('loss = loss + l2(model.parameters()) * 0.01;');
  await programShows("activation: 'linear'");
  await play(50);
  await page.click('#pause');
  await untilPhase('ready');
  expect(Number(await page.getAttribute('#loss-value', 'data-exact'))).toBeGreaterThan(0);
  await defaults();
}, 60_000);

/** A new page of the playground, at `url`, its console errors gathered with the others. */
async function openPage(url: string, viewport = { width: 1400, height: 1100 }): Promise<Page> {
  const other = await browser.newPage({ viewport });
  other.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  other.on('pageerror', (e) => errors.push(String(e)));
  await other.goto(url);
  await other.waitForFunction(() => document.getElementById('accuracy')!.textContent !== '–');
  return other;
}

/** Takes `count` steps one click at a time, and returns the loss shown then, to the last digit. */
async function lossAfterSteps(on: Page, count: number): Promise<string> {
  for (let n = 1; n <= count; n++) {
    await on.click('#step');
    await on.waitForFunction((n) => Number(document.getElementById('steps')!.textContent) === n, n);
  }
  return (await on.getAttribute('#loss-value', 'data-exact'))!;
}

test('keyboard only: space plays and pauses, → takes a step; play is the first Tab stop, and play and pause hand the focus over', async () => {
  const keys = await openPage(page.url());
  const at = () => keys.evaluate(() => Number(document.getElementById('steps')!.textContent));
  const until = (wanted: string) =>
    keys.waitForFunction((p) => document.getElementById('status')!.dataset.phase === p, wanted);
  const stepped = (from: number) =>
    keys.waitForFunction(
      (n) => Number(document.getElementById('steps')!.textContent) === n + 1,
      from,
    );
  const focused = () =>
    keys.evaluate(() => ({
      id: document.activeElement!.id,
      ring: getComputedStyle(document.activeElement!).outlineStyle,
    }));
  try {
    await keys.keyboard.press('Space');
    await until('playing');
    await keys.keyboard.press('Space');
    await until('ready');
    await keys.waitForTimeout(300); // the steps in flight land
    let from = await at();
    await keys.keyboard.press('ArrowRight');
    await stepped(from);
    await keys.keyboard.press('Tab');
    expect(await focused()).toEqual({ id: 'play', ring: 'solid' });
    await keys.keyboard.press('Enter');
    await until('playing');
    expect((await focused()).id).toBe('pause');
    await keys.keyboard.press('Enter');
    await until('ready');
    expect((await focused()).id).toBe('play');
    await keys.waitForTimeout(300);
    await keys.keyboard.press('Tab');
    expect((await focused()).id).toBe('step');
    from = await at();
    await keys.keyboard.press('Enter');
    await stepped(from);
    await keys.screenshot({ path: path.join(shots, '10-keyboard.png') });
  } finally {
    await keys.close();
  }
}, 60_000);

test('share copies a link to every setting: opened elsewhere, it gives the same loss at step 20', async () => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await defaults();
  await page.selectOption('#dataset', 'circles');
  await type('hidden', '6,5');
  await type('lr', '0.05');
  await type('seed', '42');
  await type('batchSize', '10');
  await page.selectOption('#engine', 'eager');
  await untilPhase('ready');
  await page.click('#share');
  await page.waitForFunction(() => document.getElementById('share-status')!.textContent !== '');
  expect(await page.textContent('#share-status')).toBe('link copied');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(page.url());
  const here = await lossAfterSteps(page, 20);
  const there = await openPage(link);
  try {
    for (const [field, value] of [
      ['dataset', 'circles'],
      ['hidden', '6,5'],
      ['lr', '0.05'],
      ['seed', '42'],
      ['batchSize', '10'],
      ['engine', 'eager'],
    ])
      expect(await there.inputValue(`#${field}`)).toBe(value);
    expect(await lossAfterSteps(there, 20)).toBe(here);
  } finally {
    await there.close();
  }
  // A link with something that is no setting says so, and builds the rest.
  const odd = await openPage(link.replace('seed=42', 'seed=42&colour=red'));
  try {
    expect(await odd.textContent('#link-problem')).toMatch(
      /^the link sets "colour", which is no setting of the playground's/,
    );
    expect(await odd.getAttribute('#status', 'data-phase')).toBe('ready');
  } finally {
    await odd.close();
  }
  await page.selectOption('#engine', 'tape');
  await page.selectOption('#dataset', 'moons');
  await defaults();
}, 120_000);

test('on a phone, 390 pixels wide: no sideways scroll, the plot and network fit, every target 44 pixels', async () => {
  const phone = await openPage(page.url(), { width: 390, height: 844 });
  try {
    const layout = await phone.evaluate(() => {
      const right = (id: string) => document.getElementById(id)!.getBoundingClientRect().right;
      const small = [
        ...document.querySelectorAll<HTMLElement>('button, select, input:not([type="checkbox"])'),
        ...[...document.querySelectorAll('input[type="checkbox"]')].map((box) =>
          box.closest('label')!,
        ),
      ]
        .filter((target) => target.checkVisibility())
        .filter((target) => target.getBoundingClientRect().height < 44)
        .map((target) => target.id || target.outerHTML.slice(0, 60));
      return {
        scrollWidth: document.scrollingElement!.scrollWidth,
        regions: right('regions'),
        network: right('network'),
        small,
      };
    });
    expect(layout.scrollWidth).toBeLessThanOrEqual(390);
    expect(layout.regions).toBeLessThanOrEqual(390);
    expect(layout.network).toBeLessThanOrEqual(390);
    expect(layout.small).toEqual([]);
    await phone.screenshot({ path: path.join(shots, '11-phone.png'), fullPage: true });
  } finally {
    await phone.close();
  }
}, 60_000);

test('nothing along the way reached the console as an error', () => {
  expect(errors).toEqual([]);
});
