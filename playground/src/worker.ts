/** The Web Worker that owns the training session, so the page stays responsive while it learns. */
import type { Config } from './config';
import { Session } from './session';

export type Request =
  | { type: 'reset'; config: Config; engine: 'tape' | 'eager' }
  | { type: 'step'; count: number }
  | { type: 'trace'; index: number; expanded: number[] };

let session: Session | undefined;
// The page's DOM typings describe `self` as a window; in a worker it is the worker's scope.
const scope = self as unknown as {
  onmessage: (event: MessageEvent<Request>) => void;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  const request = event.data;
  try {
    if (request.type === 'reset') {
      session = new Session(request.config, request.engine);
      scope.postMessage({
        type: 'reset',
        points: session.data.x,
        labels: session.data.y,
        snapshot: session.snapshot(),
      });
      return;
    }
    if (!session) throw new Error('no session yet');
    if (request.type === 'step') {
      const started = performance.now();
      session.step(request.count);
      scope.postMessage({
        type: 'snapshot',
        snapshot: session.snapshot(),
        stepMs: (performance.now() - started) / request.count,
      });
    } else {
      scope.postMessage({
        type: 'trace',
        index: request.index,
        ...session.trace(request.index, request.expanded),
      });
    }
  } catch (error) {
    scope.postMessage({
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
    });
  }
};
