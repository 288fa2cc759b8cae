/** The page: settings in, pictures out. Training happens in the worker; this only draws. */
import {
  ACTIVATIONS,
  DATASETS,
  LOSSES,
  OPTIMIZERS,
  defaultConfig,
  programFor,
  type Config,
} from './config';
import type { Snapshot } from './session';
import type { Request } from './worker';

const CLASS_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c'];
const REGION_COLOURS = ['#c6dbef', '#fdd0a2', '#c7e9c0'];
/** Steps per message while playing: enough to keep the worker busy between frames. */
const STEPS_PER_MESSAGE = 5;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (request: Request) => worker.postMessage(request);

let points: number[][] = [];
let labels: number[] = [];
let snapshot: Snapshot | undefined;
let history: { step: number; loss: number; accuracy: number }[] = [];
let playing = false;
let waiting = false;
let expanded: number[] = [];
let traced: number | undefined;
let speed = { steps: 0, since: performance.now() };

for (const [id, options] of [
  ['dataset', DATASETS],
  ['activation', ACTIVATIONS],
  ['loss', LOSSES],
  ['optimizer', OPTIMIZERS],
] as const) {
  const select = $<HTMLSelectElement>(id);
  for (const option of options)
    select.add(new Option(option, option, false, defaultConfig[id] === option));
}

function readConfig(): Config {
  const number = (id: string) => Number($<HTMLInputElement>(id).value);
  const choice = (id: string) => $<HTMLSelectElement>(id).value;
  return {
    dataset: choice('dataset') as Config['dataset'],
    samples: number('samples'),
    noise: number('noise'),
    hidden: $<HTMLInputElement>('hidden').value.split(',').map(Number),
    activation: choice('activation') as Config['activation'],
    loss: choice('loss') as Config['loss'],
    optimizer: choice('optimizer') as Config['optimizer'],
    lr: number('lr'),
    batchSize: number('batchSize'),
    seed: number('seed'),
  };
}

function reset(): void {
  setPlaying(false);
  history = [];
  traced = undefined;
  expanded = [];
  $('trace').replaceChildren();
  $('trace-caption').textContent = 'click a point';
  $('error').textContent = '';
  waiting = true;
  send({
    type: 'reset',
    config: readConfig(),
    engine: $<HTMLSelectElement>('engine').value as 'tape' | 'eager',
  });
}

function setPlaying(on: boolean): void {
  playing = on;
  $<HTMLButtonElement>('play').disabled = on;
  $<HTMLButtonElement>('pause').disabled = !on;
  speed = { steps: snapshot?.step ?? 0, since: performance.now() };
  if (on) requestSteps();
}

function requestSteps(count = STEPS_PER_MESSAGE): void {
  if (waiting) return;
  waiting = true;
  send({ type: 'step', count });
}

worker.onmessage = (event: MessageEvent) => {
  const message = event.data;
  waiting = false;
  switch (message.type) {
    case 'reset':
      points = message.points;
      labels = message.labels;
      show(message.snapshot);
      break;
    case 'snapshot':
      show(message.snapshot);
      if (playing) requestSteps();
      break;
    case 'trace':
      void showTrace(message.index, message.dot);
      break;
    case 'error':
      $('error').textContent = message.message;
      setPlaying(false);
  }
};

function show(next: Snapshot): void {
  snapshot = next;
  if (next.step > 0) history.push({ step: next.step, loss: next.loss, accuracy: next.accuracy });
  const elapsed = (performance.now() - speed.since) / 1000;
  if (playing && elapsed > 0.25) {
    $('speed').textContent = ((next.step - speed.steps) / elapsed).toFixed(0);
    speed = { steps: next.step, since: performance.now() };
  }
  $('steps').textContent = String(next.step);
  $('loss-value').textContent = Number.isFinite(next.loss) ? next.loss.toFixed(4) : '–';
  $('loss-value').dataset.exact = String(next.loss);
  $('accuracy').textContent = `${(100 * next.accuracy).toFixed(1)}%`;
  $('code').textContent = programFor(readConfig(), next.step);
  drawRegions(next);
  drawCurves();
}

/** Where a data point falls on the regions canvas. */
function toCanvas(
  [x, y]: number[],
  canvas: HTMLCanvasElement,
  bounds: Snapshot['bounds'],
): [number, number] {
  return [
    ((x - bounds.x0) / (bounds.x1 - bounds.x0)) * canvas.width,
    ((bounds.y1 - y) / (bounds.y1 - bounds.y0)) * canvas.height,
  ];
}

function drawRegions(s: Snapshot): void {
  const canvas = $<HTMLCanvasElement>('regions');
  const context = canvas.getContext('2d')!;
  const size = Math.sqrt(s.grid.length);
  const cell = canvas.width / size;
  s.grid.forEach((k, i) => {
    context.fillStyle = REGION_COLOURS[k] ?? '#eee';
    context.fillRect((i % size) * cell, Math.floor(i / size) * cell, cell + 1, cell + 1);
  });
  points.forEach((p, i) => {
    const [cx, cy] = toCanvas(p, canvas, s.bounds);
    context.beginPath();
    context.arc(cx, cy, i === traced ? 6 : 4, 0, 2 * Math.PI);
    context.fillStyle = CLASS_COLOURS[labels[i]];
    context.fill();
    context.lineWidth = i === traced ? 2 : 0.8;
    context.strokeStyle = '#222';
    context.stroke();
  });
}

function drawCurves(): void {
  const canvas = $<HTMLCanvasElement>('curves');
  const context = canvas.getContext('2d')!;
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (history.length < 2) return;
  const last = history[history.length - 1].step;
  const maxLoss = history.reduce(
    (m, h) => (Number.isFinite(h.loss) ? Math.max(m, h.loss) : m),
    1e-9,
  );
  const line = (value: (h: (typeof history)[number]) => number, colour: string) => {
    context.beginPath();
    history.forEach((h, i) => {
      const x = (h.step / last) * (canvas.width - 10) + 5;
      const y = canvas.height - 5 - value(h) * (canvas.height - 10);
      if (i === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    });
    context.strokeStyle = colour;
    context.lineWidth = 1.5;
    context.stroke();
  };
  line((h) => Math.min(1, h.loss / maxLoss), '#d62728');
  line((h) => h.accuracy, '#2ca02c');
  context.fillStyle = '#444';
  context.fillText('loss (red, scaled) and accuracy (green)', 8, 12);
}

async function showTrace(index: number, dot: string): Promise<void> {
  const { instance } = await import('@viz-js/viz');
  const svg = (await instance()).renderSVGElement(dot);
  $('trace').replaceChildren(svg);
  $('trace-caption').textContent =
    `the loss of point ${index}, after backward: click a neuron to open it`;
  for (const node of svg.querySelectorAll<SVGGElement>('g.node[id^="neuron-"]')) {
    node.addEventListener('click', () => {
      const k = Number(node.id.slice('neuron-'.length));
      expanded = expanded.includes(k) ? expanded.filter((e) => e !== k) : [...expanded, k];
      send({ type: 'trace', index, expanded });
    });
  }
}

$('regions').addEventListener('click', (event) => {
  if (!snapshot) return;
  const canvas = $<HTMLCanvasElement>('regions');
  const rect = canvas.getBoundingClientRect();
  const x = ((event.clientX - rect.left) / rect.width) * canvas.width;
  const y = ((event.clientY - rect.top) / rect.height) * canvas.height;
  let nearest = -1;
  let best = 12 ** 2; // within 12 pixels
  points.forEach((p, i) => {
    const [px, py] = toCanvas(p, canvas, snapshot!.bounds);
    const d = (px - x) ** 2 + (py - y) ** 2;
    if (d < best) [best, nearest] = [d, i];
  });
  if (nearest < 0) return;
  traced = nearest;
  expanded = [];
  drawRegions(snapshot);
  send({ type: 'trace', index: nearest, expanded });
});

$('play').addEventListener('click', () => setPlaying(true));
$('pause').addEventListener('click', () => setPlaying(false));
$('step').addEventListener('click', () => requestSteps(1));
$('reset').addEventListener('click', reset);
$('copy').addEventListener(
  'click',
  () => void navigator.clipboard.writeText($('code').textContent ?? ''),
);
for (const control of document.querySelectorAll('#controls input, #controls select'))
  control.addEventListener('change', reset);

reset();
