/**
 * The page: settings in, pictures out. Training happens in the worker, and machine.ts decides
 * what happens when; this reads the fields, carries out the machine's effects and draws.
 */
import {
  ACTIVATIONS,
  DATASETS,
  FIELD_NAMES,
  OPTIMIZERS,
  defaultConfig,
  lossesFor,
  parseSettings,
  programFor,
  textOf,
  type Config,
  type SettingsText,
} from './config';
import { initialState, next, type Event, type Phase, type State } from './machine';
import type { Engine, Snapshot } from './session';
import type { Reply, Request } from './worker';

const CLASS_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c'];
/** Each class's region where the model is sure of it, as red, green, blue: its colour, paler. */
const REGION_COLOURS = [
  [143, 187, 218],
  [255, 191, 135],
  [150, 208, 150],
];
const STATUS: Record<Phase, string> = {
  idle: 'starting…',
  building: 'building…',
  ready: 'ready',
  playing: 'playing',
  error: 'stopped',
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (request: Request) => worker.postMessage(request);
const fields = Object.keys(FIELD_NAMES) as (keyof Config)[];

type Built = Extract<Reply, { type: 'built' }>;
let state: State = initialState;
/** The model the pictures show, as the worker built it. */
let shown: Omit<Built, 'type' | 'snapshot'> | undefined;
let snapshot: Snapshot | undefined;
let history: { step: number; loss: number; accuracy: number }[] = [];
let expanded: number[] = [];
let traced: number | undefined;
/** Where the steps per second are counted from, while playing. */
let speed: { steps: number; since: number } | undefined;
/** The decision surface at one pixel a grid cell, stretched smoothly over the regions canvas. */
const surface = document.createElement('canvas');

for (const [id, options] of [
  ['dataset', DATASETS],
  ['activation', ACTIVATIONS],
  ['optimizer', OPTIMIZERS],
] as const) {
  for (const option of options) $<HTMLSelectElement>(id).add(new Option(option));
}
$<HTMLSelectElement>('dataset').value = defaultConfig.dataset;
offerLosses();
const defaults = textOf(defaultConfig);
for (const field of fields) {
  const control = $<HTMLInputElement | HTMLSelectElement>(field);
  control.value = defaults[field];
  // Each field's problem shows right below it.
  const problem = document.createElement('p');
  problem.className = 'problem';
  problem.id = `${field}-problem`;
  control.closest('label')!.after(problem);
  control.setAttribute('aria-describedby', problem.id);
}

/** The loss menu offers only the losses the data set's classes train with: it shows what trains. */
function offerLosses(): void {
  const menu = $<HTMLSelectElement>('loss');
  const chosen = menu.value;
  const losses = lossesFor($<HTMLSelectElement>('dataset').value as Config['dataset']);
  menu.replaceChildren(...losses.map((loss) => new Option(loss)));
  // A loss the new data set cannot train gives way to its first: the menu shows the change.
  if ((losses as readonly string[]).includes(chosen)) menu.value = chosen;
}

function settings(): Event {
  const text = Object.fromEntries(
    fields.map((field) => [field, $<HTMLInputElement | HTMLSelectElement>(field).value]),
  ) as SettingsText;
  return {
    type: 'settings',
    parsed: parseSettings(text),
    engine: $<HTMLSelectElement>('engine').value as Engine,
  };
}

/** Hands the event to the machine, carries out what it says, and draws the state it leaves. */
function dispatch(event: Event): void {
  const [after, effects] = next(state, event);
  state = after;
  for (const effect of effects) {
    if (effect.type === 'build') {
      forget();
      send(effect);
    } else if (effect.type === 'step') {
      send(effect);
    } else if (event.type === 'built' || event.type === 'stepped') {
      show(event);
    }
  }
  render();
}

/** Clears what belongs to the model being replaced: its numbers, curves and trace. */
function forget(): void {
  history = [];
  traced = undefined;
  expanded = [];
  $('trace').replaceChildren();
  $('trace-caption').textContent = 'click a point';
  $('steps').textContent = '0';
  $('loss-value').textContent = '–';
  $('accuracy').textContent = '–';
  $('speed').textContent = '0';
  $('build-time').textContent = '';
  drawCurves();
}

function render(): void {
  const { phase, playWhenBuilt, problems } = state;
  const training = phase === 'playing' || (phase === 'building' && playWhenBuilt);
  $<HTMLButtonElement>('play').disabled = training || phase === 'error' || phase === 'idle';
  $<HTMLButtonElement>('pause').disabled = !training;
  $<HTMLButtonElement>('step').disabled = phase !== 'ready';
  const status = $('status');
  status.textContent = training && phase === 'building' ? 'building…, then playing' : STATUS[phase];
  // A big network's first step records its graph, which can take seconds.
  if (state.stepping && snapshot?.step === 0) status.textContent += ': the first step…';
  status.dataset.phase = phase;
  for (const field of fields) {
    const messages = problems.filter((p) => p.field === field).map((p) => p.message);
    $(`${field}-problem`).textContent = messages.join('; ');
    $(field).setAttribute('aria-invalid', String(messages.length > 0));
  }
  $('error').textContent = problems
    .filter((p) => p.field === undefined)
    .map((p) => p.message)
    .join('; ');
  // The pictures fade while they are not of the model the settings describe.
  const stale = shown?.generation !== state.generation;
  document.body.classList.toggle('stale', stale);
  $('build-time').hidden = stale;
  if (phase !== 'playing') speed = undefined;
}

function show(reply: Built | Extract<Reply, { type: 'stepped' }>): void {
  if (reply.type === 'built') {
    shown = reply;
    $('build-time').textContent = `built in ${reply.buildMs.toFixed(0)} ms`;
  }
  snapshot = reply.snapshot;
  const { step, loss, accuracy } = snapshot;
  if (step > 0) history.push({ step, loss, accuracy });
  if (state.phase === 'playing') {
    const now = performance.now();
    if (!speed) speed = { steps: step, since: now };
    else if (now - speed.since > 250) {
      $('speed').textContent = ((step - speed.steps) / ((now - speed.since) / 1000)).toFixed(0);
      speed = { steps: step, since: now };
    }
  }
  $('steps').textContent = String(step);
  $('loss-value').textContent = Number.isFinite(loss) ? loss.toFixed(4) : '–';
  $('loss-value').dataset.exact = String(loss);
  $('accuracy').textContent = `${(100 * accuracy).toFixed(1)}%`;
  $('code').textContent = programFor(shown!.config, step);
  drawRegions(snapshot);
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

/**
 * The decision surface, each cell coloured by how sure the model is: white where every class is
 * as likely, a class's colour where it is certain, and shades between; then the points.
 */
function drawRegions(s: Snapshot): void {
  const canvas = $<HTMLCanvasElement>('regions');
  const context = canvas.getContext('2d')!;
  const cells = s.grid.length / s.classes;
  surface.width = surface.height = Math.sqrt(cells);
  const image = new ImageData(surface.width, surface.height);
  for (let cell = 0; cell < cells; cell++) {
    const rgb = [255, 255, 255];
    for (let k = 0; k < s.classes; k++) {
      // Its share above an even one, scaled to reach 1 when certain.
      const sure = Math.max(
        0,
        ((s.grid[cell * s.classes + k] - 1 / s.classes) * s.classes) / (s.classes - 1),
      );
      for (let c = 0; c < 3; c++) rgb[c] += sure * (REGION_COLOURS[k][c] - 255);
    }
    image.data.set([...rgb, 255], cell * 4);
  }
  surface.getContext('2d')!.putImageData(image, 0, 0);
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(surface, 0, 0, canvas.width, canvas.height);
  shown!.points.forEach((p, i) => {
    const [cx, cy] = toCanvas(p, canvas, s.bounds);
    context.beginPath();
    context.arc(cx, cy, i === traced ? 6 : 4, 0, 2 * Math.PI);
    context.fillStyle = CLASS_COLOURS[shown!.labels[i]];
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
      send({ type: 'trace', generation: state.generation, index, expanded });
    });
  }
}

worker.onmessage = (event: MessageEvent<Reply>) => {
  const reply = event.data;
  if (reply.type === 'traced') {
    if (reply.generation === state.generation) void showTrace(reply.index, reply.dot);
  } else if (reply.type === 'failed' && reply.during === 'trace') {
    $('trace-caption').textContent = reply.problems.map((p) => p.message).join('; ');
  } else {
    dispatch(reply);
  }
};

$('regions').addEventListener('click', (event) => {
  // Only points of the model the settings describe can be traced.
  if (!snapshot || shown?.generation !== state.generation) return;
  const canvas = $<HTMLCanvasElement>('regions');
  const rect = canvas.getBoundingClientRect();
  const x = ((event.clientX - rect.left) / rect.width) * canvas.width;
  const y = ((event.clientY - rect.top) / rect.height) * canvas.height;
  let nearest = -1;
  let best = 12 ** 2; // within 12 pixels
  shown.points.forEach((p, i) => {
    const [px, py] = toCanvas(p, canvas, snapshot!.bounds);
    const d = (px - x) ** 2 + (py - y) ** 2;
    if (d < best) [best, nearest] = [d, i];
  });
  if (nearest < 0) return;
  traced = nearest;
  expanded = [];
  drawRegions(snapshot);
  send({ type: 'trace', generation: state.generation, index: nearest, expanded });
});

$('play').addEventListener('click', () => dispatch({ type: 'play' }));
$('pause').addEventListener('click', () => dispatch({ type: 'pause' }));
$('step').addEventListener('click', () => dispatch({ type: 'step' }));
$('reset').addEventListener('click', () => dispatch(settings()));
$('copy').addEventListener(
  'click',
  () => void navigator.clipboard.writeText($('code').textContent ?? ''),
);
// Before the loss is read: a new data set may change the losses it offers.
$('dataset').addEventListener('change', offerLosses);
for (const control of document.querySelectorAll('#controls input, #controls select'))
  control.addEventListener('change', () => dispatch(settings()));

dispatch(settings());
