/** The Web Worker that owns the training session, so the page stays responsive while it learns. */
import { SettingsError, type Config, type Problem } from './config';
import type { WeightAt } from './machine';
import type { Dataset, ModelJson } from '../../src/browser';
import { Session, type Engine, type Snapshot, type Trace } from './session';

/** Each request names the build it is about; one about an older build is dropped. */
export type Request =
  /** `own`: the points of the data set `yours`. */
  | { type: 'build'; generation: number; config: Config; engine: Engine; own?: Dataset }
  | { type: 'step'; generation: number; count: number; withinMs: number }
  | ({ type: 'edit'; generation: number; value: number } & WeightAt)
  | { type: 'trace'; generation: number; index: number; expanded: number[] }
  /** The model as it is now, as model.json or model.onnx. */
  | { type: 'export'; generation: number; format: 'json' | 'onnx' };

export type Reply =
  | {
      type: 'built';
      generation: number;
      /** The settings of the model built: the program panel describes these. */
      config: Config;
      /** The points of the data set `yours` the model was built with, if any. */
      own?: Dataset;
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
  | { type: 'exported'; generation: number; format: 'json'; json: ModelJson; step: number }
  | { type: 'exported'; generation: number; format: 'onnx'; bytes: Uint8Array; step: number }
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

scope.onmessage = async (event) => {
  const request = event.data;
  try {
    if (request.type === 'build') {
      const started = performance.now();
      generation = request.generation;
      // A build that fails leaves no session: nothing trains a model the settings do not describe.
      session = undefined;
      session = new Session(request.config, request.engine, request.own);
      const snapshot = session.snapshot();
      reply({
        type: 'built',
        generation,
        config: session.config,
        own: request.own,
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
    } else if (request.type === 'export') {
      const step = session.snapshot().step;
      if (request.format === 'json')
        reply({ type: 'exported', generation, format: 'json', json: session.modelJson(), step });
      else {
        const bytes = await session.modelOnnx();
        reply({ type: 'exported', generation, format: 'onnx', bytes, step });
      }
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
