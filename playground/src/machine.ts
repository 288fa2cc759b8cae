/**
 * The page's session as one state machine: every click, every change of a setting and every reply
 * of the worker is an event, and `next` alone decides the state that follows and what to ask of
 * the worker. The page draws what the state says and does what the effects say.
 */
import type { Dataset } from '../../src/browser';
import type { Config, Parsed, Problem } from './config';
import type { Engine } from './session';
import type { Reply } from './worker';

/**
 * idle: nothing asked yet; building: the worker makes the model the settings describe; ready: it
 * is made and paused; playing: it trains; error: the settings describe no model the playground
 * trains, or training diverged: nothing trains until the settings change or reset is pressed.
 */
export type Phase = 'idle' | 'building' | 'ready' | 'playing' | 'error';

export interface State {
  readonly phase: Phase;
  /** Numbers the builds: a reply about any but the latest is about a model no longer shown. */
  readonly generation: number;
  /** Building: play was pressed, so training starts once the model is made. */
  readonly playWhenBuilt: boolean;
  /** A step request is with the worker: the next waits for its reply, so none pile up. */
  readonly stepping: boolean;
  /** How fast to play: steps per second, Infinity for as many as the worker can take. */
  readonly speed: number;
  /** Numbers the waits between paced requests: a tick of any but the latest is dropped. */
  readonly ticket: number;
  /** Error: what is wrong, each with the field it is about. */
  readonly problems: readonly Problem[];
}

export const initialState: State = {
  phase: 'idle',
  generation: 0,
  playWhenBuilt: false,
  stepping: false,
  speed: Infinity,
  ticket: 0,
  problems: [],
};

/** While playing, each request trains this long before the picture is drawn again. */
export const PLAY_SLICE_MS = 25;
/**
 * Played at a set speed, a request is for the steps due in about this long (one at least), and
 * the next follows once they are: 100 steps/s is 5 steps 20 times a second, 1 step/s one a second.
 */
export const PACED_REQUEST_MS = 50;

/** The steps a paced request asks for, and how long the steps take at the speed. */
export function pacing(speed: number): { count: number; ms: number } {
  const count = Math.max(1, Math.round((speed * PACED_REQUEST_MS) / 1000));
  return { count, ms: (count * 1000) / speed };
}

/** Which weight: hidden layers from 0, then the output layer; the neuron in it; its input. */
export interface WeightAt {
  layer: number;
  neuron: number;
  input: number;
}

export type Event =
  /**
   * The page loaded, a setting changed, or reset was pressed: the settings as they read now, and
   * the points of the data set `yours`, if any.
   */
  | { type: 'settings'; parsed: Parsed; engine: Engine; own?: Dataset }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  /** The speed control: steps per second, Infinity for as fast as it goes. */
  | { type: 'speed'; speed: number }
  /** A paced wait is over. */
  | { type: 'tick'; ticket: number }
  /** A weight typed into the network picture. */
  | ({ type: 'edit'; value: number } & WeightAt)
  | Exclude<Reply, { type: 'traced' | 'exported' }>;

export type Effect =
  | { type: 'build'; generation: number; config: Config; engine: Engine; own?: Dataset }
  /** Up to `count` steps, and no more once `withinMs` have passed. */
  | { type: 'step'; generation: number; count: number; withinMs: number }
  /** Send a tick with this ticket in `ms`: the steps asked for last are due by then. */
  | { type: 'wait'; ms: number; ticket: number }
  /** Set a weight of the model: training goes on from it. */
  | ({ type: 'edit'; generation: number; value: number } & WeightAt)
  /** Draw the reply this event was: it is about the model the settings describe. */
  | { type: 'show' };

export function next(state: State, event: Event): [State, Effect[]] {
  switch (event.type) {
    case 'settings': {
      const generation = state.generation + 1;
      const fresh = { ...state, generation, playWhenBuilt: false, stepping: false };
      if ('problems' in event.parsed)
        return [{ ...fresh, phase: 'error', problems: event.parsed.problems }, []];
      const { config } = event.parsed;
      return [
        { ...fresh, phase: 'building', problems: [] },
        [{ type: 'build', generation, config, engine: event.engine, own: event.own }],
      ];
    }
    case 'play':
      if (state.phase === 'building') return [{ ...state, playWhenBuilt: true }, []];
      if (state.phase === 'ready') return play(state);
      return [state, []];
    case 'pause':
      if (state.phase === 'building') return [{ ...state, playWhenBuilt: false }, []];
      if (state.phase === 'playing') return [{ ...state, phase: 'ready' }, []];
      return [state, []];
    case 'step':
      return state.phase === 'ready' ? requestSteps(state, 1, Infinity) : [state, []];
    case 'speed': {
      const faster = { ...state, speed: event.speed };
      // Waiting out the old pace: the new one starts now.
      if (state.phase === 'playing' && !state.stepping) return play(faster);
      return [faster, []];
    }
    case 'tick':
      if (event.ticket !== state.ticket || state.phase !== 'playing') return [state, []];
      return requestSteps(state, pacing(state.speed).count, Infinity);
    case 'edit': {
      // Only a model shown and trainable: building, its weights are about to be replaced.
      if (state.phase !== 'ready' && state.phase !== 'playing') return [state, []];
      const { layer, neuron, input, value } = event;
      const edit = { type: 'edit' as const, generation: state.generation, layer, neuron, input };
      return [state, [{ ...edit, value }]];
    }
    case 'edited':
      return event.generation === state.generation ? [state, [{ type: 'show' }]] : [state, []];
    case 'built': {
      if (event.generation !== state.generation || state.phase !== 'building') return [state, []];
      const built = { ...state, playWhenBuilt: false };
      if (!state.playWhenBuilt) return [{ ...built, phase: 'ready' }, [{ type: 'show' }]];
      const [playing, effects] = play(built);
      return [playing, [{ type: 'show' }, ...effects]];
    }
    case 'stepped': {
      if (event.generation !== state.generation) return [state, []];
      const stepped = { ...state, stepping: false };
      if (event.snapshot.diverged !== undefined) {
        const problems = [{ field: 'lr' as const, message: event.snapshot.diverged }];
        return [{ ...stepped, phase: 'error', problems }, [{ type: 'show' }]];
      }
      if (state.phase !== 'playing') return [stepped, [{ type: 'show' }]];
      if (Number.isFinite(state.speed)) {
        const ticket = state.ticket + 1;
        const wait = { type: 'wait' as const, ms: pacing(state.speed).ms, ticket };
        return [{ ...stepped, ticket }, [{ type: 'show' }, wait]];
      }
      const [more, effects] = requestSteps(stepped, Infinity, PLAY_SLICE_MS);
      return [more, [{ type: 'show' }, ...effects]];
    }
    case 'failed':
      if (event.generation !== state.generation) return [state, []];
      return [
        {
          ...state,
          phase: 'error',
          playWhenBuilt: false,
          stepping: false,
          problems: event.problems,
        },
        [],
      ];
  }
}

/** Starts playing at the state's speed; a wait of before is dropped. */
function play(state: State): [State, Effect[]] {
  const playing = { ...state, phase: 'playing' as const, ticket: state.ticket + 1 };
  if (Number.isFinite(state.speed))
    return requestSteps(playing, pacing(state.speed).count, Infinity);
  return requestSteps(playing, Infinity, PLAY_SLICE_MS);
}

/** Asks for steps unless some are being taken: their reply asks again if still playing. */
function requestSteps(state: State, count: number, withinMs: number): [State, Effect[]] {
  if (state.stepping) return [state, []];
  return [
    { ...state, stepping: true },
    [{ type: 'step', generation: state.generation, count, withinMs }],
  ];
}
