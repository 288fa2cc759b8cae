/** The Web Worker that owns the training session, so the page stays responsive while it learns. */
import { SettingsError, type Config, type Problem } from './config';
import type { WeightAt } from './machine';
import type { Dataset } from '../../src/browser';
import { Session, type Engine, type Snapshot, type Trace } from './session';

/** Each request names the build it is about; one about an older build is dropped. */
export type Request =
  | { type: 'build'; generation: number; config: Config; engine: Engine }
  | { type: 'step'; generation: number; count: number; withinMs: number }
  | ({ type: 'edit'; generation: number; value: number } & WeightAt)
  | { type: 'trace'; generation: number; index: number; expanded: number[] };

export type Reply =
  | {
      type: 'built';
      generation: number;
      /** The settings of the model built: the program panel describes these. */
      config: Config;
      /** The points trained on, in the order a trace's index counts them. */
      train: Dataset;
      test: Dataset;
      snapshot: Snapshot;
      /** How long making the model and its first picture took. */
      buildMs: number;
    }
  | { type: 'stepped'; generation: number; snapshot: Snapshot }
  /** A weight was set: the model as it is now, at the same step. */
  | { type: 'edited'; generation: number; snapshot: Snapshot }
  | ({ type: 'traced'; generation: number; index: number } & Trace)
  | { type: 'failed'; generation: number; during: Request['type']; problems: Problem[] };

let session: Session | undefined;
let generation = 0;
// The page's DOM typings describe `self` as a window; in a worker it is the worker's scope.
const scope = self as unknown as {
  onmessage: (event: MessageEvent<Request>) => void;
  postMessage(message: Reply, transfer: Transferable[]): void;
};
const reply = (message: Reply) =>
  scope.postMessage(
    message,
    'snapshot' in message
      ? [message.snapshot.grid.buffer, message.snapshot.activations.buffer]
      : [],
  );

scope.onmessage = (event) => {
  const request = event.data;
  try {
    if (request.type === 'build') {
      const started = performance.now();
      generation = request.generation;
      // A build that fails leaves no session: nothing trains a model the settings do not describe.
      session = undefined;
      session = new Session(request.config, request.engine);
      const snapshot = session.snapshot();
      reply({
        type: 'built',
        generation,
        config: session.config,
        train: session.train,
        test: session.test,
        snapshot,
        buildMs: performance.now() - started,
      });
      return;
    }
    // The page has moved on to another build (or this one failed): it would drop the answer.
    if (request.generation !== generation || !session) return;
    if (request.type === 'step') {
      session.step(request.count, request.withinMs);
      reply({ type: 'stepped', generation, snapshot: session.snapshot() });
    } else if (request.type === 'edit') {
      session.setWeight(request.layer, request.neuron, request.input, request.value);
      reply({ type: 'edited', generation, snapshot: session.snapshot() });
    } else {
      const { index, expanded } = request;
      reply({ type: 'traced', generation, index, ...session.trace(index, expanded) });
    }
  } catch (error) {
    reply({
      type: 'failed',
      generation,
      during: request.type,
      problems:
        error instanceof SettingsError
          ? error.problems
          : [{ message: error instanceof Error ? error.message : String(error) }],
    });
  }
};
