/**
 * The names view: Karpathy's microgpt learning makemore's names, in a worker
 * (examples/microgpt/worker.ts) with microgpt.py's seed and hyperparameters, so that its losses
 * are microgpt.py's. The page shows the loss curve, the names the model makes up as it learns,
 * where each attention head looks as it reads a name typed here, the lines the command-line
 * example prints, and the model's program.
 */
import namesText from '../../../examples/data/names.txt?raw';
import modelSource from '../../../examples/microgpt/model.ts?raw';
import { StepRate, rateText } from '../rate';
import { drawLossCurve } from './curve';
import { drawHeads } from './heat-maps';
import './names.css';
import type { NamesReply, NamesRequest, Samples } from './protocol';

/** microgpt.py's number of steps; its learning rate decays to 0 over them. */
const DEFAULT_STEPS = 1000;
const MOST_STEPS = 100_000;

const VIEW = `
<section aria-label="names training" id="names-training">
  <h2>microgpt learns names</h2>
  <p class="caption">
    Karpathy's microgpt.py in natural arithmetic: a one-layer GPT (4 attention heads, 4,192
    weights) reads makemore's 32,033 names one a step and learns to guess each next letter. The
    same seed (42), weights and order of names as microgpt.py, so the same losses.
  </p>
  <div class="buttons">
    <button id="names-play">train</button>
    <button id="names-reset">reset</button>
  </div>
  <label>steps <input id="names-steps" inputmode="numeric" aria-describedby="names-steps-problem"
    title="the run's length: the learning rate falls to 0 over it; a change starts afresh" /></label>
  <p id="names-steps-problem" class="problem" role="alert"></p>
  <p><strong id="names-status" role="status">loading…</strong></p>
  <p class="stats">
    step <span id="names-step">0</span> / <span id="names-total"></span> · loss
    <span id="names-loss">–</span> · steps/s <span id="names-speed">0</span>
  </p>
  <svg id="names-curve" viewBox="0 0 400 200" role="img" aria-label="loss by step"></svg>
  <p class="caption">
    <span class="key step-loss">each step's loss</span>
    <span class="key mean-loss">the mean of the last 50</span>
  </p>
</section>
<section aria-label="samples" id="names-samples-panel">
  <h2>samples</h2>
    <p class="caption" id="names-samples-caption"></p>
  <ol id="names-samples"></ol>
</section>
<section aria-label="attention" id="names-attention">
  <h2>attention</h2>
  <label>a name <input id="names-name" autocomplete="off" spellcheck="false"
    aria-describedby="names-name-problem" /></label>
  <p id="names-name-problem" class="problem" role="alert"></p>
  <div id="names-heads"></div>
  <p class="caption" id="names-heads-caption">
    Type a name to see where each of the 4 heads looks as the model reads it: a row for each
    token read (· is BOS, the start), its weight on each token up to it, white 0 to dark blue 1.
  </p>
</section>
<section aria-label="log" id="names-log-panel">
  <details>
    <summary>log</summary>
    <p class="caption">What <code>npx gradscript run examples/microgpt.ts --steps N</code> prints.</p>
    <pre id="names-log"></pre>
  </details>
</section>
<section aria-label="program" id="names-program-panel">
  <h2>The program <button id="names-copy">copy</button></h2>
  <p class="caption">
    examples/microgpt/model.ts, the model this page trains: the same file that
    <code>npx gradscript run examples/microgpt.ts</code> trains.
  </p>
  <pre id="names-program"></pre>
</section>`;

type Phase = 'loading' | 'ready' | 'training' | 'paused' | 'trained';
const STATUS: Record<Phase, string> = {
  loading: 'loading…',
  ready: 'ready',
  training: 'training',
  paused: 'paused',
  trained: 'trained',
};

/** The steps field's text as a number of steps, or why it is not one. */
export function parseSteps(text: string): number | string {
  const n = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > MOST_STEPS) {
    return `steps needs a whole number from 1 to ${MOST_STEPS.toLocaleString('en-US')}, got "${text}"`;
  }
  return n;
}

export function openNamesView(root: HTMLElement): void {
  root.innerHTML = VIEW;
  const $ = <T extends Element = HTMLElement>(id: string) => root.querySelector<T>(`#${id}`)!;
  const worker = new Worker(new URL('../../../examples/microgpt/worker.ts', import.meta.url), {
    type: 'module',
  });
  const send = (request: NamesRequest) => worker.postMessage(request);
  const play = $<HTMLButtonElement>('names-play');
  const stepsField = $<HTMLInputElement>('names-steps');
  const nameField = $<HTMLInputElement>('names-name');
  const log = $('names-log');
  const rate = new StepRate();

  let run = 0;
  let phase: Phase = 'loading';
  let numSteps = DEFAULT_STEPS;
  let losses: number[] = [];
  let header = '';

  const pad = (n: number, width: number) => String(n).padStart(width);
  const setPhase = (next: Phase) => {
    phase = next;
    $('names-status').textContent = STATUS[phase];
    $('names-status').dataset.phase = phase;
    play.textContent = phase === 'training' ? 'pause' : 'train';
    play.disabled = phase === 'loading' || phase === 'trained';
    if (phase !== 'training') rate.clear();
  };

  function reset(): void {
    const steps = parseSteps(stepsField.value);
    $('names-steps-problem').textContent = typeof steps === 'string' ? steps : '';
    stepsField.setAttribute('aria-invalid', String(typeof steps === 'string'));
    if (typeof steps === 'string') return;
    numSteps = steps;
    losses = [];
    send({ type: 'reset', run: ++run, numSteps });
    setPhase('loading');
    $('names-step').textContent = '0';
    $('names-total').textContent = String(numSteps);
    $('names-loss').textContent = '–';
    $('names-speed').textContent = '0';
    log.textContent = '';
    drawLossCurve($<SVGSVGElement>('names-curve'), losses, numSteps);
  }

  function showSamples(samples: Samples): void {
    $('names-samples').replaceChildren(
      ...samples.names.map((name) => {
        const item = document.createElement('li');
        item.textContent = name;
        return item;
      }),
    );
    $('names-samples-caption').textContent = samples.final
      ? `after step ${samples.step}, the last: the names microgpt.py makes up (temperature 0.5)`
      : `at step ${samples.step}, at temperature 0.5, drawn the same way each time: only the model changes them`;
    if (samples.final) {
      log.append(
        '--- inference (new, hallucinated names) ---\n',
        samples.names.map((name, i) => `sample ${pad(i + 1, 2)}: ${name}\n`).join(''),
      );
    }
  }

  /** Asks for the attention of the name typed, as the model is now. */
  function askAttention(): void {
    const name = nameField.value;
    if (name === '') {
      $('names-heads').replaceChildren();
      $('names-name-problem').textContent = '';
      nameField.setAttribute('aria-invalid', 'false');
    } else if (phase !== 'loading') {
      send({ type: 'attention', run, name });
    }
  }

  worker.onmessage = (event: MessageEvent<NamesReply>) => {
    const reply = event.data;
    if (reply.run !== run) return;
    if (reply.type === 'ready') {
      header = `num docs: ${reply.numDocs}\nvocab size: ${reply.vocabSize}\nnum params: ${reply.numParams}\n`;
      log.textContent = header;
      showSamples(reply.samples);
      setPhase('ready');
      askAttention();
    } else if (reply.type === 'trained') {
      const first = losses.length;
      losses.push(...reply.losses);
      log.append(
        reply.losses
          .map((loss, i) => `step ${pad(first + i + 1, 4)} / ${pad(numSteps, 4)} | loss ${loss}\n`)
          .join(''),
      );
      $('names-step').textContent = String(reply.step);
      if (losses.length > 0) {
        const last = losses[losses.length - 1];
        $('names-loss').textContent = last.toFixed(4);
        $('names-loss').dataset.exact = String(last);
      }
      if (phase === 'training') {
        rate.note(reply.step, performance.now());
        $('names-speed').textContent = rateText(rate.perSecond);
      }
      drawLossCurve($<SVGSVGElement>('names-curve'), losses, numSteps);
      if (reply.stopped) setPhase(reply.step === numSteps ? 'trained' : 'paused');
      if (reply.samples) {
        showSamples(reply.samples);
        askAttention();
      }
    } else if (reply.type === 'attention') {
      if (reply.name !== nameField.value) return;
      $('names-name-problem').textContent = '';
      nameField.setAttribute('aria-invalid', 'false');
      drawHeads($('names-heads'), reply.tokens, reply.heads);
    } else if (reply.during === 'attention') {
      $('names-name-problem').textContent = reply.message;
      nameField.setAttribute('aria-invalid', 'true');
      $('names-heads').replaceChildren();
    } else {
      $('names-status').textContent = `stopped: ${reply.message}`;
    }
  };

  play.addEventListener('click', () => {
    if (phase === 'training') {
      send({ type: 'pause', run });
    } else {
      send({ type: 'play', run });
      setPhase('training');
    }
  });
  $('names-reset').addEventListener('click', reset);
  stepsField.addEventListener('change', reset);
  nameField.addEventListener('input', askAttention);
  $('names-copy').addEventListener('click', () => void navigator.clipboard.writeText(modelSource));
  $('names-program').textContent = modelSource;
  stepsField.value = String(DEFAULT_STEPS);
  send({ type: 'data', text: namesText });
  reset();
}
