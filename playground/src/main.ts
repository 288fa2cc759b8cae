/**
 * The page: settings in, pictures out. Training happens in the worker, and machine.ts decides
 * what happens when; this reads the fields, carries out the machine's effects and draws.
 */
import {
  ACTIVATIONS,
  DATASETS,
  FEATURE_LABELS,
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
import { LR_SCALE, NOISE_SCALE, SPEEDS, speedText } from './controls';
import { pairSlider, setUpFeatureTools, setUpHiddenTools } from './field-tools';
import { drawCurves, type Progress } from './curves';
import { linkOf, readLink } from './link';
import { LazyProgramPanel } from './program-panel';
import { initialState, next, type Event, type Phase, type State } from './machine';
import { NetworkView } from './network';
import { OwnData } from './own-data';
import { PlotView } from './plot';
import { StepRate, rateText } from './rate';
import { gradColour } from './scales';
import type { Engine, Snapshot } from './session';
import type { TraceView } from './trace';
import type { Reply, Request } from './worker';

const STATUS: Record<Phase, string> = {
  idle: 'starting…',
  building: 'building…',
  ready: 'ready',
  playing: 'playing',
  error: 'stopped',
};
/**
 * Thin, faint edges, and room between the layers (top to bottom, which costs no width) for them
 * to fan out: the 256 between two layers of 16 shade grey rather than merge into a black band.
 * Nodes closer within a layer, so that the graph fits the column at a larger scale.
 */
const GRAPHVIZ = {
  graphAttributes: { nodesep: 0.12, ranksep: 1 },
  edgeAttributes: { color: '#00000038', penwidth: 0.5, arrowsize: 0.5 },
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (request: Request) => worker.postMessage(request);
const fields = Object.keys(FIELD_NAMES) as (keyof Config)[];
const logLoss = $<HTMLInputElement>('log-loss');
const showTest = $<HTMLInputElement>('show-test');
const discretize = $<HTMLInputElement>('discretize');
const programPanel = new LazyProgramPanel({
  editor: $('code'),
  output: $('program-output'),
  status: $('program-status'),
  run: $('run-program'),
  stop: $('stop-program'),
  revert: $('revert-program'),
});

type Built = Extract<Reply, { type: 'built' }>;
type Traced = Extract<Reply, { type: 'traced' }>;
let state: State = initialState;
/** The model the pictures show, as the worker built it. */
let shown: Omit<Built, 'type' | 'snapshot'> | undefined;
let snapshot: Snapshot | undefined;
let history: Progress[] = [];
/** The point whose graph is asked for or drawn, and the neurons opened in it. */
let traced: number | undefined;
let expanded: number[] = [];
/** The graph drawn: of which point, at which step (once training passes it, it is out of date). */
let drawn: { index: number; step: number } | undefined;
/** The trace's view: made with the first trace, its code fetched with Graphviz, not at the start. */
let traceView: TraceView | undefined;
/** The steps per second while playing, smoothed. */
const rate = new StepRate();
/** When the last steps were asked for: a paced wait counts from then. */
let stepsAsked = 0;
const network = new NetworkView($('network-box'), {
  readout: $('network-weight'),
  editor: $('weight-editor'),
  editorName: $('weight-name'),
  editorValue: $('weight-value'),
  editorProblem: $('weight-problem'),
  onEdit: (at, value) => dispatch({ type: 'edit', ...at, value }),
});
const ownData = new OwnData(
  {
    text: $('csv-text'),
    file: $('csv-file'),
    read: $('csv-read'),
    status: $('csv-status'),
    adding: $('add-points'),
  },
  {
    shown: () =>
      shown && {
        x: [...shown.train.x, ...shown.test.x],
        y: [...shown.train.y, ...shown.test.y],
        classes: shown.train.classes,
      },
    use: () => {
      $<HTMLSelectElement>('dataset').value = 'yours';
      offerLosses();
      dispatch(settings());
    },
  },
);
const plot = new PlotView($('regions'), {
  showTest,
  discretize,
  readout: $('plot-cursor'),
  onPick: pick,
  onPlace: (point) => ownData.place(point),
});

for (const [id, options] of [
  ['dataset', DATASETS],
  ['activation', ACTIVATIONS],
  ['optimizer', OPTIMIZERS],
] as const) {
  for (const option of options) $<HTMLSelectElement>(id).add(new Option(option));
}
for (const speed of SPEEDS) {
  const label = Number.isFinite(speed)
    ? `${speed} step${speed === 1 ? '' : 's'}/s`
    : 'as fast as it goes';
  $<HTMLSelectElement>('speed-control').add(new Option(label, speedText(speed)));
}
$<HTMLSelectElement>('speed-control').value = speedText(initialState.speed);
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
  const dataset = $<HTMLSelectElement>('dataset').value as Config['dataset'];
  const losses = lossesFor(dataset, ownData.points);
  menu.replaceChildren(...losses.map((loss) => new Option(loss)));
  // A loss the new data set cannot train gives way to its first: the menu shows the change.
  if ((losses as readonly string[]).includes(chosen)) menu.value = chosen;
}

/** What each field holds, as typed. */
function typed(): SettingsText {
  return Object.fromEntries(
    fields.map((field) => [field, $<HTMLInputElement | HTMLSelectElement>(field).value]),
  ) as SettingsText;
}

function settings(): Event {
  return {
    type: 'settings',
    parsed: parseSettings(typed(), ownData.points),
    engine: $<HTMLSelectElement>('engine').value as Engine,
    own: ownData.points,
  };
}

/** The address keeps every setting as it reads now, so that it is a link to this very page. */
function writeLink(): void {
  const engine = $<HTMLSelectElement>('engine').value as Engine;
  const toggles = { showTest: showTest.checked, discretize: discretize.checked };
  // The view shown is the view switch's to write (names/view-switch.ts); it stays as it is.
  const { view } = readLink(location.hash).extras;
  const extras = { engine, speed: state.speed, ...toggles, ...(view && { view }) };
  window.history.replaceState(null, '', linkOf(typed(), extras));
}

/**
 * The settings a link holds, put in the fields before the page first builds: each field then
 * judges its text as if typed, a choice no menu offers included.
 */
function followLink(): void {
  const link = readLink(location.hash);
  const put = (field: keyof Config, text: string) => {
    const control = $<HTMLInputElement | HTMLSelectElement>(field);
    if (control instanceof HTMLSelectElement && ![...control.options].some((o) => o.value === text))
      control.add(new Option(text));
    control.value = text;
  };
  // The data set first: the losses the menu offers are its.
  if (link.text.dataset !== undefined) put('dataset', link.text.dataset);
  offerLosses();
  for (const [field, text] of Object.entries(link.text)) put(field as keyof Config, text);
  if (link.extras.engine) $<HTMLSelectElement>('engine').value = link.extras.engine;
  if (link.extras.showTest !== undefined) showTest.checked = link.extras.showTest;
  if (link.extras.discretize !== undefined) discretize.checked = link.extras.discretize;
  if (link.extras.speed !== undefined) {
    $<HTMLSelectElement>('speed-control').value = speedText(link.extras.speed);
    dispatch({ type: 'speed', speed: link.extras.speed });
  }
  $('link-problem').textContent = link.problems.join('; ');
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
      stepsAsked = performance.now();
      send(effect);
    } else if (effect.type === 'edit') {
      send(effect);
    } else if (effect.type === 'wait') {
      const due = stepsAsked + effect.ms - performance.now();
      setTimeout(() => dispatch({ type: 'tick', ticket: effect.ticket }), Math.max(0, due));
    } else if (event.type === 'built' || event.type === 'stepped' || event.type === 'edited') {
      show(event);
    }
  }
  if (event.type === 'settings' || event.type === 'speed') writeLink();
  render();
}

/** Clears what belongs to the model being replaced: its numbers, curves and trace. */
function forget(): void {
  history = [];
  traced = undefined;
  expanded = [];
  drawn = undefined;
  traceView?.clear();
  plot.clear();
  $('swing').textContent = '';
  $('trace-caption').textContent = 'click a training point';
  $('trace-note').textContent = '';
  markStaleTrace();
  $('steps').textContent = '0';
  $('epoch').textContent = '0';
  for (const id of ['loss-value', 'accuracy', 'test-loss', 'test-accuracy'])
    $(id).textContent = '–';
  rate.clear();
  $('speed').textContent = '0';
  $('build-time').textContent = '';
  redrawCurves();
}

function render(): void {
  const { phase, playWhenBuilt, problems } = state;
  const training = phase === 'playing' || (phase === 'building' && playWhenBuilt);
  const [play, pause] = [$<HTMLButtonElement>('play'), $<HTMLButtonElement>('pause')];
  const focused = document.activeElement;
  play.disabled = training || phase === 'error' || phase === 'idle';
  pause.disabled = !training;
  // Of play and pause, the one pressed is disabled: the focus moves to the other, not lost.
  if (focused === play && play.disabled && !pause.disabled) pause.focus();
  if (focused === pause && pause.disabled && !play.disabled) play.focus();
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
  // Only the model the settings describe is exported.
  for (const format of ['json', 'onnx']) $<HTMLButtonElement>(`export-${format}`).disabled = stale;
  // Counted afresh each time play is pressed: a pause is no time spent training.
  if (phase !== 'playing') rate.clear();
}

function show(reply: Built | Extract<Reply, { type: 'stepped' | 'edited' }>): void {
  if (reply.type === 'built') {
    shown = reply;
    $('build-time').textContent = `built in ${reply.buildMs.toFixed(0)} ms`;
    $('test-size').textContent = String(reply.test.x.length);
    network.build(
      [reply.config.features.length, ...reply.snapshot.weights.map((layer) => layer.length)],
      reply.config.features.map((feature) => FEATURE_LABELS[feature]),
    );
    // Regression has a loss and no accuracy: its figures and curve are not shown.
    for (const part of document.querySelectorAll<HTMLElement>('.accuracy-part'))
      part.hidden = reply.snapshot.classes === undefined;
    ownData.offer(reply.snapshot.classes);
  }
  snapshot = reply.snapshot;
  const { step, loss, accuracy, testLoss, testAccuracy } = snapshot;
  // An edited weight changes the model, not the step it is at: no point on the curves.
  if (step > 0 && reply.type === 'stepped') history.push({ step, loss, testLoss, accuracy });
  if (state.phase === 'playing') {
    rate.note(step, performance.now());
    $('speed').textContent = rateText(rate.perSecond);
  }
  $('steps').textContent = String(step);
  $('epoch').textContent = String(snapshot.epoch);
  $('loss-value').textContent = lossText(loss);
  $('loss-value').dataset.exact = String(loss);
  $('accuracy').textContent = accuracyText(accuracy);
  $('test-loss').textContent = lossText(testLoss);
  $('test-accuracy').textContent = accuracyText(testAccuracy);
  $('swing').textContent = snapshot.swing ?? '';
  programPanel.show(programFor(shown!.config, step, shown!.own));
  $('program-edited').hidden = !snapshot.edited;
  drawPlot();
  network.draw(snapshot, plot.surface);
  redrawCurves();
  markStaleTrace();
}

/** A loss as the stats line shows it: a runaway one in exponent form, a row of digits would stretch the line. */
function lossText(loss: number): string {
  if (!Number.isFinite(loss)) return '–';
  return Math.abs(loss) < 1e4 ? loss.toFixed(4) : loss.toExponential(2);
}

function accuracyText(accuracy: number): string {
  return Number.isNaN(accuracy) ? '–' : `${(100 * accuracy).toFixed(1)}%`;
}

function drawPlot(): void {
  plot.draw({ snapshot: snapshot!, train: shown!.train, test: shown!.test }, traced);
}

function redrawCurves(): void {
  // Regression has no accuracy to draw: its data has no classes.
  const withAccuracy = shown === undefined || shown.train.classes !== undefined;
  drawCurves(
    document.querySelector<SVGSVGElement>('#curves')!,
    history,
    logLoss.checked,
    withAccuracy,
  );
}

/** Asks for the graph of the point traced, with the neurons opened, as the model is now. */
function requestTrace(): void {
  // Only points of the model the settings describe can be traced.
  if (traced === undefined || shown?.generation !== state.generation) return;
  send({ type: 'trace', generation: state.generation, index: traced, expanded });
}

async function showTrace(reply: Traced): Promise<void> {
  const [{ instance }, { TraceView }] = await Promise.all([
    import('@viz-js/viz'),
    import('./trace'),
  ]);
  const svg = (await instance()).renderSVGElement(reply.dot, GRAPHVIZ);
  // Graphviz loads the first time: meanwhile the model or the point may have changed.
  if (reply.generation !== state.generation || reply.index !== traced) return;
  traceView ??= new TraceView($('trace'));
  traceView.show(svg, drawn?.index === reply.index);
  drawn = { index: reply.index, step: reply.step };
  $('trace-caption').textContent =
    `the ${reply.of === 'loss' ? 'loss' : 'score'} of point ${reply.index}, after backward: ` +
    'click a neuron to open it';
  $('trace-note').textContent = reply.note ?? '';
  markStaleTrace();
  for (const node of svg.querySelectorAll<SVGGElement>('g.node[id^="neuron-"]')) {
    node.addEventListener('click', () => {
      const k = Number(node.id.slice('neuron-'.length));
      expanded = expanded.includes(k) ? expanded.filter((e) => e !== k) : [...expanded, k];
      requestTrace();
    });
  }
}

/** Hands the model exported to the browser as a file to save, named as `gradscript train` names it. */
function saveExport(reply: Extract<Reply, { type: 'exported' }>): void {
  const [bytes, type] =
    reply.format === 'json'
      ? [JSON.stringify(reply.json, null, 2) + '\n', 'application/json']
      : [new Uint8Array(reply.bytes), 'application/octet-stream'];
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([bytes], { type }));
  link.download = `model.${reply.format}`;
  link.click();
  URL.revokeObjectURL(link.href);
  $('export-status').textContent = `model.${reply.format} at step ${reply.step}`;
}

/** A trace is out of date once training moves on from the step it was drawn at. */
function markStaleTrace(): void {
  const stale = drawn !== undefined && snapshot?.step !== drawn.step;
  $('trace').classList.toggle('stale', stale);
  $('trace-refresh').hidden = !stale;
  $('trace-tools').hidden = drawn === undefined;
}

worker.onmessage = (event: MessageEvent<Reply>) => {
  const reply = event.data;
  if (reply.type === 'traced') {
    void showTrace(reply);
  } else if (reply.type === 'exported') {
    saveExport(reply);
  } else if (reply.type === 'failed' && reply.during === 'trace') {
    $('trace-caption').textContent = reply.problems.map((p) => p.message).join('; ');
  } else if (reply.type === 'failed' && reply.during === 'export') {
    $('export-status').textContent =
      `not exported: ${reply.problems.map((p) => p.message).join('; ')}`;
  } else {
    dispatch(reply);
  }
};

/** Traces a training point: picked on the plot by a click or the keyboard. */
function pick(index: number): void {
  if (!snapshot || shown?.generation !== state.generation) return;
  traced = index;
  expanded = [];
  // A new point's graph opens fitted, not in the view of the one before.
  drawn = undefined;
  drawPlot();
  requestTrace();
}

$('trace-refresh').addEventListener('click', requestTrace);
// The zoom buttons show once a trace is drawn, and so its view made.
$('zoom-in').addEventListener('click', () => traceView?.zoomBy(1.5));
$('zoom-out').addEventListener('click', () => traceView?.zoomBy(1 / 1.5));
$('zoom-fit').addEventListener('click', () => traceView?.fit());
$('grad-ramp').style.background = `linear-gradient(to right, ${gradColour(0)}, ${gradColour(1)})`;
logLoss.addEventListener('change', redrawCurves);
for (const toggle of [showTest, discretize])
  toggle.addEventListener('change', () => {
    if (snapshot && shown) {
      drawPlot();
      network.draw(snapshot, plot.surface);
    }
    writeLink();
  });

$('play').addEventListener('click', () => dispatch({ type: 'play' }));
$('pause').addEventListener('click', () => dispatch({ type: 'pause' }));
$('step').addEventListener('click', () => dispatch({ type: 'step' }));
$('reset').addEventListener('click', () => dispatch(settings()));
for (const format of ['json', 'onnx'] as const)
  $(`export-${format}`).addEventListener('click', () => {
    $('export-status').textContent = `exporting model.${format}…`;
    send({ type: 'export', generation: state.generation, format });
  });
$('copy').addEventListener('click', () => void navigator.clipboard.writeText(programPanel.text));
$('share').addEventListener('click', () => {
  const said = $('share-status');
  navigator.clipboard.writeText(location.href).then(
    () => (said.textContent = 'link copied'),
    (error: unknown) =>
      (said.textContent = `not copied (${error instanceof Error ? error.message : String(error)}): the address bar holds the link`),
  );
});
$('speed-control').addEventListener('change', () => {
  const chosen = $<HTMLSelectElement>('speed-control').value;
  dispatch({ type: 'speed', speed: SPEEDS.find((s) => speedText(s) === chosen)! });
});
/**
 * Space plays or pauses and → takes a step, wherever the focus is but in something that takes
 * those keys itself: a field, a menu, a button (space presses it), the network's edges, the editor.
 */
document.addEventListener('keydown', (event) => {
  const target = event.target as HTMLElement;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (
    target.closest('input, select, textarea, button, [contenteditable], [role="button"], a, canvas')
  )
    return;
  if (event.key === ' ') {
    event.preventDefault();
    const training =
      state.phase === 'playing' || (state.phase === 'building' && state.playWhenBuilt);
    dispatch({ type: training ? 'pause' : 'play' });
  } else if (event.key === 'ArrowRight') {
    event.preventDefault();
    dispatch({ type: 'step' });
  }
});
// Before the loss is read: a new data set may change the losses it offers.
$('dataset').addEventListener('change', offerLosses);
for (const control of document.querySelectorAll(
  '#controls input:not([type="range"]), #controls select',
))
  control.addEventListener('change', () => dispatch(settings()));

/** Whether a field's text, as typed, is one its setting takes (whatever the other fields hold). */
function takes(field: keyof Config, text: string): boolean {
  const typed = Object.fromEntries(
    fields.map((f) => [f, $<HTMLInputElement | HTMLSelectElement>(f).value]),
  ) as SettingsText;
  const parsed = parseSettings({ ...typed, [field]: text }, ownData.points);
  return !('problems' in parsed && parsed.problems.some((p) => p.field === field));
}

const apply = () => dispatch(settings());
pairSlider('lr', LR_SCALE, takes, apply);
pairSlider('noise', NOISE_SCALE, takes, apply);
followLink();
setUpHiddenTools(apply);
setUpFeatureTools(apply);

dispatch(settings());
