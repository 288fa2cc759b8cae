/// <reference lib="dom" />
/**
 * microgpt in a Web Worker, for the playground's names view (playground/src/names/): the model
 * of ./model.ts, made as microgpt.py makes it (seed 42), trained a step at a time in runs of
 * about CHUNK_MS, so that the worker hears pause, reset and the page's questions between them.
 * After each run it posts the runs' losses; now and then the names the model makes up.
 *
 * It lives beside the model rather than in playground/src because it imports the model, whose
 * natural arithmetic only gradscript's compilers read (the Vite plugin bundles it; tspc checks
 * it with the rest of examples/), while the page's own sources are checked by plain tsc.
 */
import { PythonRandom } from '../../src/browser';
import type { NamesReply, NamesRequest, Samples } from '../../playground/src/names/protocol';
import { microgpt, type Microgpt } from './model';

/** microgpt.py's `random.seed(42)`. */
const SEED = 42;
/** About how long each run of steps takes before the worker posts it and listens. */
const CHUNK_MS = 50;
/** How often, in steps, the names are made up again while training. */
const SAMPLE_EVERY = 100;
/** How many names while training; after the last step, as many as microgpt.py prints. */
const SAMPLES = 10;
const FINAL_SAMPLES = 20;

interface Run {
  id: number;
  model: Microgpt;
  numSteps: number;
  step: number;
  playing: boolean;
}

let documents: string[] = [];
let current: Run | undefined;
// The DOM typings describe `self` as a window; in a worker it is the worker's scope.
const scope = self as unknown as {
  onmessage: (event: MessageEvent<NamesRequest>) => void;
  postMessage(message: NamesReply): void;
};
const reply = (message: NamesReply) => scope.postMessage(message);

/**
 * Names the model makes up now. While it trains, each set is drawn with a fresh PythonRandom of
 * the same seed: the same draws each time, so that a name changes only as the model learns, and
 * microgpt's own random is kept for the end. After its last step, microgpt's own random draws
 * them, as microgpt.py samples after its training loop.
 */
function samplesOf(run: Run): Samples {
  const final = run.step === run.numSteps;
  const draws = final ? undefined : new PythonRandom(SEED);
  const count = final ? FINAL_SAMPLES : SAMPLES;
  const names = Array.from({ length: count }, () => run.model.sample(0.5, draws));
  return { step: run.step, names, final };
}

/** Takes steps for about CHUNK_MS, posts their losses, and goes on (after listening) while playing. */
function trainChunk(run: Run): void {
  if (run !== current || !run.playing) return;
  const started = performance.now();
  const losses: number[] = [];
  // A run ends at a multiple of SAMPLE_EVERY too, so that names are made at those very steps.
  do {
    losses.push(run.model.trainStep(run.step, run.numSteps));
    run.step++;
  } while (
    run.step < run.numSteps &&
    run.step % SAMPLE_EVERY !== 0 &&
    performance.now() - started < CHUNK_MS
  );
  if (run.step === run.numSteps) run.playing = false;
  const due = run.step % SAMPLE_EVERY === 0;
  reply({
    type: 'trained',
    run: run.id,
    step: run.step,
    losses,
    samples: due || !run.playing ? samplesOf(run) : undefined,
    stopped: !run.playing,
  });
  setTimeout(() => trainChunk(run), 0);
}

function handle(request: NamesRequest): void {
  if (request.type === 'data') {
    documents = request.text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    return;
  }
  if (request.type === 'reset') {
    const model = microgpt(documents, new PythonRandom(SEED));
    const run = { id: request.run, model, numSteps: request.numSteps, step: 0, playing: false };
    current = run;
    reply({
      type: 'ready',
      run: run.id,
      numDocs: model.docs.length,
      vocabSize: model.vocabSize,
      numParams: model.params.length,
      numSteps: run.numSteps,
      samples: samplesOf(run),
    });
    return;
  }
  const run = current;
  if (run?.id !== request.run) return;
  if (request.type === 'play') {
    if (run.playing || run.step === run.numSteps) return;
    run.playing = true;
    trainChunk(run);
  } else if (request.type === 'pause') {
    if (!run.playing) return;
    run.playing = false;
    reply({
      type: 'trained',
      run: run.id,
      step: run.step,
      losses: [],
      samples: samplesOf(run),
      stopped: true,
    });
  } else {
    const [layer] = run.model.attentionOf(request.name);
    const tokens = ['BOS', ...request.name];
    reply({
      type: 'attention',
      run: run.id,
      name: request.name,
      tokens,
      heads: layer,
      step: run.step,
    });
  }
}

scope.onmessage = (event) => {
  const request = event.data;
  try {
    handle(request);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    reply({
      type: 'failed',
      run: 'run' in request ? request.run : -1,
      during: request.type,
      message,
    });
  }
};
