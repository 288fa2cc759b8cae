/// <reference lib="dom" />
/**
 * The playground's names view in a real browser (Chromium, found as test/playground.e2e.test.ts
 * finds one): microgpt trained in a worker on makemore's names, with microgpt.py's seed and
 * hyperparameters, must show microgpt.py's losses and samples (the numbers in test/reference/,
 * which microgpt.py printed); the view and names.txt load only when it is opened; typing a name
 * draws each head's attention. Screenshots go to out/playground/.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { servePlayground, type ServedPlayground } from './chromium';
import reference from './reference/microgpt.json';
import shortRun from './reference/microgpt-20-steps.json';

const root = path.join(__dirname, '..');
const shots = path.join(root, 'out', 'playground');
/** The page's budget of bytes sent to start, as `npm run bench -- playground` measures them. */
const START_BUDGET = 40_000;
let served: ServedPlayground;
let url: string;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  served = await servePlayground();
  ({ url, browser } = served);
}, 60_000);

afterAll(async () => {
  await served?.close();
});

afterEach(() => {
  expect(errors).toEqual([]);
  errors.length = 0;
});

/** A fresh page, with the bytes each response sent counted as they come. */
async function openPage(width = 1400, hash = ''): Promise<{ page: Page; sent: () => number }> {
  const context = await browser.newContext({ viewport: { width, height: 1000 } });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  let bytes = 0;
  page.on('response', (response) => {
    bytes += Number(response.headers()['content-length'] ?? 0);
  });
  await page.goto(url + hash);
  await page.waitForFunction(() => document.getElementById('accuracy')!.textContent !== '–');
  return { page, sent: () => bytes };
}

const phase = (page: Page) => page.getAttribute('#names-status', 'data-phase');
const untilPhase = (page: Page, wanted: string, timeout = 60_000) =>
  page.waitForFunction(
    (p) => document.getElementById('names-status')?.dataset.phase === p,
    wanted,
    { timeout },
  );

/** Opens the names view and waits for its model. */
async function openNames(page: Page): Promise<void> {
  await page.click('#view-names');
  await untilPhase(page, 'ready');
}

/** The losses the page's log holds, in order, as `step N / TOTAL | loss X` lines. */
async function loggedLosses(page: Page): Promise<{ step: number; total: number; loss: number }[]> {
  const log = (await page.textContent('#names-log'))!;
  return [...log.matchAll(/^step +(\d+) \/ +(\d+) \| loss (\S+)$/gm)].map((m) => ({
    step: Number(m[1]),
    total: Number(m[2]),
    loss: Number(m[3]),
  }));
}

/** Each loss within 1e-12 relative of microgpt.py's, as test/microgpt.test.ts holds the command line to. */
function expectMicrogptLosses(losses: number[], microgpt: number[]): void {
  expect(losses.length).toBeLessThanOrEqual(microgpt.length);
  losses.forEach((loss, i) => {
    const relative = Math.abs(loss - microgpt[i]) / microgpt[i];
    if (!(relative <= 1e-12)) {
      throw new Error(`step ${i + 1}: the page's loss ${loss}, microgpt.py's ${microgpt[i]}`);
    }
  });
}

const samples = (page: Page) => page.locator('#names-samples li').allTextContents();

test('the view and names.txt load only when the view is opened; the page starts under its budget', async () => {
  const { page, sent } = await openPage();
  try {
    const atStart = sent();
    expect(atStart).toBeLessThan(START_BUDGET);
    expect(await page.isHidden('#names-view')).toBe(true);
    await openNames(page);
    // names.txt (228 kB, about a third of that compressed) and the model's worker came now.
    expect(sent() - atStart).toBeGreaterThan(60_000);
    expect(await page.isHidden('#network-view')).toBe(true);
    expect(await page.getAttribute('#view-names', 'aria-pressed')).toBe('true');
    const log = (await page.textContent('#names-log'))!;
    expect(log).toBe('num docs: 32033\nvocab size: 27\nnum params: 4192\n');
    // The untrained model's names, before a step.
    expect(await samples(page)).toHaveLength(10);
    expect(await page.textContent('#names-samples-caption')).toContain('at step 0');
    expect(await page.textContent('#names-program')).toContain('export function microgpt(');
    await page.click('#view-network');
    expect(await page.isHidden('#names-view')).toBe(true);
    expect(await page.isVisible('#network-view')).toBe(true);
  } finally {
    await page.context().close();
  }
}, 90_000);

test('trained as microgpt.py trains: its first 100 losses and more, names made again at step 100; a name typed while training shows 4 heads', async () => {
  const { page } = await openPage();
  try {
    await openNames(page);
    expect(await page.textContent('#names-total')).toBe(String(reference.steps));
    await page.click('#names-play');
    expect(await phase(page)).toBe('training');
    // Names made up again at step 100 exactly, by the model as it is then.
    await page.waitForFunction(
      () =>
        document.getElementById('names-samples-caption')!.textContent!.startsWith('at step 100,'),
      null,
      { timeout: 90_000 },
    );
    // The worker listens between runs of steps: a name typed now is answered while it trains.
    await page.fill('#names-name', 'emma');
    await page.waitForSelector('#names-heads figure');
    expect(await phase(page)).toBe('training');
    await page.click('#names-play');
    await untilPhase(page, 'paused');
    const logged = await loggedLosses(page);
    expect(logged.length).toBeGreaterThanOrEqual(100);
    expect(logged.map((l) => l.step)).toEqual(logged.map((_, i) => i + 1));
    expect(logged.every((l) => l.total === reference.steps)).toBe(true);
    expectMicrogptLosses(
      logged.map((l) => l.loss),
      reference.losses,
    );
    const last = logged[logged.length - 1];
    expect(await page.getAttribute('#names-loss', 'data-exact')).toBe(String(last.loss));
    expect(await page.textContent('#names-step')).toBe(String(last.step));
    // Paused: the names are made up again, by the model as it is now.
    expect(await page.textContent('#names-samples-caption')).toContain(`at step ${last.step}`);
    // The curve draws each step's loss and their running mean.
    expect(await page.locator('#names-curve path.curve').count()).toBe(2);

    // Four heads, each a row for BOS and each letter, looking back only.
    const heads = page.locator('#names-heads svg[role="img"]');
    expect(await heads.count()).toBe(4);
    for (let h = 0; h < 4; h++) {
      expect(await heads.nth(h).locator('rect').count()).toBe(1 + 2 + 3 + 4 + 5);
      expect(await heads.nth(h).getAttribute('aria-label')).toMatch(
        new RegExp(`^head ${h + 1}: · looks most at ·, e looks most at `),
      );
    }
    await page.screenshot({ path: path.join(shots, 'names-training.png'), fullPage: true });
  } finally {
    await page.context().close();
  }
}, 120_000);

test('a 20-step run gives microgpt.py’s 20 losses and then its 20 samples', async () => {
  const { page } = await openPage();
  try {
    await openNames(page);
    await page.fill('#names-steps', String(shortRun.steps));
    await page.locator('#names-steps').blur();
    await untilPhase(page, 'ready');
    expect(await page.textContent('#names-total')).toBe(String(shortRun.steps));
    await page.click('#names-play');
    await untilPhase(page, 'trained', 90_000);
    const logged = await loggedLosses(page);
    expect(logged).toHaveLength(shortRun.steps);
    expectMicrogptLosses(
      logged.map((l) => l.loss),
      shortRun.losses,
    );
    expect(await samples(page)).toEqual(shortRun.samples);
    expect(await page.textContent('#names-samples-caption')).toContain('the last');
    expect(await page.textContent('#names-log')).toContain(
      `--- inference (new, hallucinated names) ---\nsample  1: ${shortRun.samples[0]}\n`,
    );
    expect(await page.isDisabled('#names-play')).toBe(true);
    // reset makes the model afresh, untrained.
    await page.click('#names-reset');
    await untilPhase(page, 'ready');
    expect(await loggedLosses(page)).toEqual([]);
    expect(await page.isEnabled('#names-play')).toBe(true);
  } finally {
    await page.context().close();
  }
}, 150_000);

test('bad input is named: steps out of range, a letter not among the names’', async () => {
  const { page } = await openPage();
  try {
    await openNames(page);
    await page.fill('#names-steps', '0');
    await page.locator('#names-steps').blur();
    expect(await page.textContent('#names-steps-problem')).toBe(
      'steps needs a whole number from 1 to 100,000, got "0"',
    );
    expect(await page.getAttribute('#names-steps', 'aria-invalid')).toBe('true');
    // The model it had stays: it can still train.
    expect(await phase(page)).toBe('ready');
    await page.fill('#names-name', 'Emma');
    await page.waitForFunction(
      () => document.getElementById('names-name-problem')!.textContent !== '',
    );
    expect(await page.textContent('#names-name-problem')).toBe(
      '"E" is not among the documents\' characters (abcdefghijklmnopqrstuvwxyz)',
    );
    expect(await page.locator('#names-heads svg').count()).toBe(0);
    await page.fill('#names-name', 'abcdefghijklmnop');
    await page.waitForFunction(() =>
      document.getElementById('names-name-problem')!.textContent!.includes('at most'),
    );
    expect(await page.textContent('#names-name-problem')).toBe(
      'the model reads at most 15 characters after BOS; this has 16',
    );
  } finally {
    await page.context().close();
  }
}, 90_000);

test('keyboard and phone: the view switch and train by keyboard, no sideways scroll at 390 pixels', async () => {
  const { page } = await openPage(390);
  try {
    await page.focus('#view-names');
    await page.keyboard.press('Enter');
    await untilPhase(page, 'ready');
    // Space outside a field trains and pauses the names view (not the hidden network view).
    await page.evaluate(() => (document.activeElement as HTMLElement).blur());
    await page.keyboard.press('Space');
    await untilPhase(page, 'training');
    await page.keyboard.press('Space');
    await untilPhase(page, 'paused');
    expect(await page.getAttribute('#status', 'data-phase')).toBe('ready');
    await page.focus('#names-play');
    await page.keyboard.press('Enter');
    await untilPhase(page, 'training');
    await page.fill('#names-name', 'ava');
    await page.waitForSelector('#names-heads figure');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await page.click('#names-play');
    await untilPhase(page, 'paused');
    await page.screenshot({ path: path.join(shots, 'names-phone.png'), fullPage: true });
  } finally {
    await page.context().close();
  }
}, 90_000);

test('the view shown is in the link: #view=names opens it, and opening it pauses the network', async () => {
  const { page } = await openPage(1400, '#seed=3&view=names');
  await untilPhase(page, 'ready');
  expect(await page.isHidden('#network-view')).toBe(true);
  expect(new URL(page.url()).hash).toContain('view=names');
  await page.click('#view-network');
  expect(new URL(page.url()).hash).not.toContain('view=');
  expect(new URL(page.url()).hash).toContain('seed=3');
  await page.click('#play');
  await page.waitForFunction(
    () => !(document.getElementById('pause') as HTMLButtonElement).disabled,
  );
  await page.click('#view-names');
  expect(await page.isDisabled('#pause')).toBe(true);
  expect(new URL(page.url()).hash).toContain('view=names');
  await page.context().close();
}, 120_000);
