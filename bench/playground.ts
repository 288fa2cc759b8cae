/// <reference lib="dom" />
/**
 * The playground as a user gets it: `gradscript playground` serving the build, a headless
 * Chromium (found as the browser tests find one) loading it afresh three times. Figures: the
 * bytes sent over the wire to start, the Graphviz chunk's bytes, the time to the first picture,
 * and the steps per second the page shows while playing the moons on each engine.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumExecutable } from '../test/chromium';
import { type Figure, median, publish } from './stats';

const root = path.join(__dirname, '..', '..');
const LOADS = 3;
/** How long each engine plays before its steps per second are read. */
const PLAY_MS = 6000;

export async function playgroundBenchmark(): Promise<Figure[]> {
  const server = spawn(process.execPath, [
    path.join(root, 'dist', 'src', 'cli', 'main.js'),
    'playground',
    '--port',
    '0',
  ]);
  const browser = await chromium.launch({
    executablePath: (await chromiumExecutable()).path,
    args: CHROMIUM_ARGS,
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (chunk) => {
        const match = /http:\/\/\S+/.exec(String(chunk));
        if (match) resolve(match[0]);
      });
      server.once('exit', (code) => reject(new Error(`the playground server exited with ${code}`)));
    });
    const start: number[] = [];
    const firstPicture: number[] = [];
    const tape: number[] = [];
    const eager: number[] = [];
    const firstRun: number[] = [];
    for (let load = 0; load < LOADS; load++) {
      // A context of its own each time: nothing cached from the load before.
      const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
      const page = await context.newPage();
      let sent = 0;
      page.on('response', (response) => {
        sent += Number(response.headers()['content-length'] ?? 0);
      });
      const started = Date.now();
      await page.goto(url);
      await page.waitForFunction(() => document.getElementById('accuracy')!.textContent !== '–');
      firstPicture.push(Date.now() - started);
      start.push(sent);
      for (const [engine, speeds] of [
        ['tape', tape],
        ['eager', eager],
      ] as const) {
        await page.selectOption('#engine', engine);
        // A change of engine rebuilds the session in the worker. Play pressed meanwhile would
        // start once it is built, but the time until then would count as playing: wait for the
        // status to say it is built.
        await page.waitForFunction(
          () => document.getElementById('status')!.dataset.phase === 'ready',
        );
        await page.click('#play');
        await page.waitForTimeout(PLAY_MS);
        speeds.push(Number(await page.textContent('#speed')));
        await page.click('#pause');
        await page.click('#reset');
      }
      // The program panel's first run: the editor, then the compiler fetched, and the page's
      // program (as many steps as the page has trained: none, after the reset) compiled and run.
      const clicked = Date.now();
      await page.click('#run-program');
      await page.waitForFunction(
        () => / ran in /.test(document.getElementById('program-status')!.textContent!),
        null,
        { timeout: 120_000 },
      );
      firstRun.push(Date.now() - clicked);
      await context.close();
    }
    const label = (what: string) => `playground, as served, median of ${LOADS} loads: ${what}`;
    // The chunks that load later (with the first trace, or the first program run): asked for as
    // a browser asks.
    const assets = fs.readdirSync(path.join(root, 'dist', 'playground', 'assets'));
    const served = async (...prefixes: string[]) => {
      let bytes = 0;
      for (const prefix of prefixes) {
        const chunk = assets.find((name) => name.startsWith(prefix) && name.endsWith('.js'));
        const response = await fetch(`${url}assets/${chunk}`, {
          headers: { 'accept-encoding': 'br, gzip' },
        });
        await response.arrayBuffer();
        bytes += Number(response.headers.get('content-length'));
      }
      return bytes;
    };
    return [
      {
        key: 'playground.start.bytes',
        label: label('HTML, CSS and scripts sent to start'),
        value: median(start),
        unit: 'bytes',
      },
      {
        key: 'playground.first-picture.ms',
        label: label('first picture after navigation'),
        value: median(firstPicture),
        unit: 'ms',
      },
      {
        key: 'playground.tape.steps',
        label: label('steps/s on the moons, MLP(2, [16, 16, 1]) on a Tape, drawing included'),
        value: median(tape),
        unit: 'steps/s',
      },
      {
        key: 'playground.eager.steps',
        label: label('steps/s, the same eager'),
        value: median(eager),
        unit: 'steps/s',
      },
      {
        key: 'playground.graphviz.bytes',
        label: label('the Graphviz chunk, sent with the first trace'),
        value: await served('viz-'),
        unit: 'bytes',
      },
      {
        key: 'playground.program.bytes',
        label: label('the editor, program worker and compiler, sent with the first run'),
        value: await served('editor-', 'program-worker-', 'compiler-loaded-'),
        unit: 'bytes',
      },
      {
        key: 'playground.program.first-run.ms',
        label: label("the program panel's first run: all that fetched, compiled and run"),
        value: median(firstRun),
        unit: 'ms',
      },
    ];
  } finally {
    await browser.close();
    server.kill();
  }
}

if (require.main === module) void playgroundBenchmark().then(publish);
