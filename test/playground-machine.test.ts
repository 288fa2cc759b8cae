/** The playground page's state machine: every order of clicks, settings and replies. */
import { defaultConfig, parseSettings, textOf, type SettingsText } from '../playground/src/config';
import {
  PLAY_SLICE_MS,
  initialState,
  next,
  pacing,
  type Effect,
  type Event,
  type State,
} from '../playground/src/machine';
import type { Snapshot } from '../playground/src/session';

/** The state and effects after each event in turn, from `state`. */
function run(events: Event[], state: State = initialState): [State, Effect[]] {
  const effects: Effect[] = [];
  for (const event of events) {
    const [after, done] = next(state, event);
    state = after;
    effects.push(...done);
  }
  return [state, effects];
}

const settings = (typed: Partial<SettingsText> = {}): Event => ({
  type: 'settings',
  parsed: parseSettings({ ...textOf(defaultConfig), ...typed }),
  engine: 'tape',
});
// The machine reads a reply's generation and whether it diverged; the page draws the rest.
const snapshot = (diverged?: string) => ({ diverged }) as Snapshot;
const built = (generation: number): Event => ({
  type: 'built',
  generation,
  config: defaultConfig,
  train: { x: [], y: [] },
  test: { x: [], y: [] },
  snapshot: snapshot(),
  buildMs: 1,
});
const stepped = (generation: number, diverged?: string): Event => ({
  type: 'stepped',
  generation,
  snapshot: snapshot(diverged),
});
const play: Event = { type: 'play' };
const pause: Event = { type: 'pause' };
const playSteps = (generation: number): Effect => ({
  type: 'step',
  generation,
  count: Infinity,
  withinMs: PLAY_SLICE_MS,
});

test('the settings are built; play starts training once built, and each reply asks for more', () => {
  const [building, effects] = run([settings()]);
  expect(building).toMatchObject({ phase: 'building', generation: 1 });
  expect(effects).toEqual([
    { type: 'build', generation: 1, config: defaultConfig, engine: 'tape' },
  ]);
  const [playing, more] = run([play, built(1)], building);
  expect(playing).toMatchObject({ phase: 'playing', stepping: true, playWhenBuilt: false });
  expect(more).toEqual([{ type: 'show' }, playSteps(1)]);
  expect(run([stepped(1)], playing)[1]).toEqual([{ type: 'show' }, playSteps(1)]);
});

test('pause and reset during a build are honoured: built, it waits', () => {
  expect(run([settings(), play, pause, built(1)])[0].phase).toBe('ready');
  // Reset: a new build, whose model is the one shown; the first build's reply is dropped.
  const [state, effects] = run([settings(), play, settings(), built(1)]);
  expect(state).toMatchObject({ phase: 'building', generation: 2, playWhenBuilt: false });
  expect(effects.filter((e) => e.type === 'show')).toEqual([]);
  expect(run([built(2)], state)[0].phase).toBe('ready');
});

test('pause stops asking for steps; the reply in flight is still shown; play goes on', () => {
  const [paused, effects] = run([settings(), built(1), play, pause, stepped(1)]);
  expect(paused).toMatchObject({ phase: 'ready', stepping: false });
  expect(effects.filter((e) => e.type === 'step')).toHaveLength(1);
  expect(effects[effects.length - 1]).toEqual({ type: 'show' });
  // Play while a step is in flight asks for no second one: its reply asks.
  const [again, none] = run([play], run([settings(), built(1), play, pause])[0]);
  expect(again).toMatchObject({ phase: 'playing', stepping: true });
  expect(none).toEqual([]);
});

test('the step button takes one step when ready, and nothing while building or playing', () => {
  const [ready] = run([settings(), built(1)]);
  expect(run([{ type: 'step' }], ready)[1]).toEqual([
    { type: 'step', generation: 1, count: 1, withinMs: Infinity },
  ]);
  expect(run([settings(), { type: 'step' }])[1]).toHaveLength(1); // the build only
  expect(run([play, { type: 'step' }], ready)[1]).toEqual([playSteps(1)]);
});

test('invalid settings stop everything: no build, play does nothing, a reply of before is dropped', () => {
  const [playing] = run([settings(), built(1), play]);
  const [error, effects] = run([settings({ lr: '0' }), play, stepped(1)], playing);
  expect(error).toMatchObject({
    phase: 'error',
    generation: 2,
    problems: [{ field: 'lr', message: 'learning rate must be a number greater than 0; got "0"' }],
  });
  expect(effects).toEqual([]);
  const [fixed, build] = run([settings({ lr: '0.05' })], error);
  expect(fixed.phase).toBe('building');
  expect(build).toEqual([
    { type: 'build', generation: 3, config: { ...defaultConfig, lr: 0.05 }, engine: 'tape' },
  ]);
});

test('a diverged loss pauses in error at the learning rate; reset builds afresh', () => {
  const [playing] = run([settings({ lr: '1e6' }), built(1), play]);
  const [error, effects] = run([stepped(1, 'training diverged: …'), play], playing);
  expect(error).toMatchObject({
    phase: 'error',
    stepping: false,
    problems: [{ field: 'lr', message: 'training diverged: …' }],
  });
  expect(effects).toEqual([{ type: 'show' }]);
  expect(run([settings({ lr: '1e6' })], error)[0].phase).toBe('building');
});

test('a failed build is an error of the current model only', () => {
  const failed = (generation: number): Event => ({
    type: 'failed',
    generation,
    during: 'build',
    problems: [{ message: 'out of memory' }],
  });
  const [building] = run([settings(), settings()]);
  expect(run([failed(1)], building)[0]).toBe(building);
  expect(run([failed(2)], building)[0]).toMatchObject({
    phase: 'error',
    problems: [{ message: 'out of memory' }],
  });
});

test('a set speed asks for the steps due, waits out the rest, and a stale tick is dropped', () => {
  expect(pacing(1)).toEqual({ count: 1, ms: 1000 });
  expect(pacing(20)).toEqual({ count: 1, ms: 50 });
  expect(pacing(100)).toEqual({ count: 5, ms: 50 });
  expect(pacing(500)).toEqual({ count: 25, ms: 50 });
  const one = { type: 'step', generation: 1, count: 1, withinMs: Infinity };
  const [paced] = run([settings(), built(1), { type: 'speed', speed: 1 }]);
  const [playing, asked] = run([play], paced);
  expect(asked).toEqual([one]);
  // Its reply waits out the second before asking again.
  const [waiting, wait] = run([stepped(1)], playing);
  expect(waiting).toMatchObject({ phase: 'playing', stepping: false });
  expect(wait).toEqual([{ type: 'show' }, { type: 'wait', ms: 1000, ticket: waiting.ticket }]);
  expect(run([{ type: 'tick', ticket: waiting.ticket }], waiting)[1]).toEqual([one]);
  // A tick of an older wait, or one that ends after pause, asks for nothing.
  expect(run([{ type: 'tick', ticket: waiting.ticket - 1 }], waiting)[1]).toEqual([]);
  expect(run([pause, { type: 'tick', ticket: waiting.ticket }], waiting)[1]).toEqual([]);
  // Pause and play again during the wait: playing asks at once, and the old tick is dropped.
  const [again, now] = run([pause, play], waiting);
  expect(now).toEqual([one]);
  expect(run([{ type: 'tick', ticket: waiting.ticket }], again)[1]).toEqual([]);
  // A faster speed chosen during the wait starts at once; while a request is out, with its reply.
  expect(run([{ type: 'speed', speed: Infinity }], waiting)[1]).toEqual([playSteps(1)]);
  const [faster, none] = run([{ type: 'speed', speed: Infinity }], playing);
  expect(none).toEqual([]);
  expect(run([stepped(1)], faster)[1]).toEqual([{ type: 'show' }, playSteps(1)]);
  // A speed is kept across rebuilds.
  expect(run([settings()], waiting)[0].speed).toBe(1);
});

test('an edited weight goes to the model shown, and its reply is drawn; none while building', () => {
  const edit: Event = { type: 'edit', layer: 1, neuron: 2, input: 3, value: -0.5 };
  const sent = { type: 'edit', generation: 1, layer: 1, neuron: 2, input: 3, value: -0.5 };
  const [ready] = run([settings(), built(1)]);
  expect(run([edit], ready)).toEqual([ready, [sent]]);
  const [playing] = run([play], ready);
  expect(run([edit], playing)).toEqual([playing, [sent]]);
  expect(run([settings(), edit])[1]).toHaveLength(1); // the build only
  const edited = (generation: number): Event => ({
    type: 'edited',
    generation,
    snapshot: snapshot(),
  });
  expect(run([edited(1)], ready)).toEqual([ready, [{ type: 'show' }]]);
  expect(run([settings(), edited(1)], ready)[1]).toHaveLength(1); // of the model before: dropped
});

test('any order of clicks ends consistent: playing exactly when steps are asked for', () => {
  const clicks: Event[] = [play, pause, settings(), { type: 'step' }];
  let seed = 7;
  for (let trial = 0; trial < 200; trial++) {
    let state = run([settings(), built(1)])[0];
    let inFlight: Event | undefined;
    for (let i = 0; i < 12; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      // Now a click, now the worker's reply to whatever was asked last.
      const event = seed % 3 === 0 && inFlight ? inFlight : clicks[seed % clicks.length];
      const [after, effects] = next(state, event);
      if (event === inFlight) inFlight = undefined;
      state = after;
      for (const effect of effects) {
        if (effect.type === 'build') inFlight = built(effect.generation);
        if (effect.type === 'step') inFlight = stepped(effect.generation);
      }
    }
    // Let the worker answer everything asked.
    for (let i = 0; inFlight && i < 3; i++) {
      const [after, effects] = next(state, inFlight);
      state = after;
      inFlight = undefined;
      for (const effect of effects) {
        if (effect.type === 'build') inFlight = built(effect.generation);
        if (effect.type === 'step') inFlight = stepped(effect.generation);
      }
    }
    expect(['ready', 'playing']).toContain(state.phase);
    expect(state.stepping).toBe(state.phase === 'playing');
  }
});
