/**
 * The Web Worker that compiles and runs the program panel's program, apart from the training
 * worker: the page keeps training while a program runs, and a program that never ends is
 * stopped by ending this worker. TypeScript comes with the first program run.
 */
import * as gradscript from '../../src/browser';
import * as runtime from '../../src/runtime';
import { runCompiled, type Compiled, type ProgramProblem } from './compiler';

export interface ProgramRequest {
  program: string;
}

export type ProgramReply =
  | { type: 'compiled'; ms: number }
  | { type: 'printed'; line: string }
  | { type: 'failed'; during: 'compiling' | 'running'; problems: ProgramProblem[] }
  | { type: 'finished'; ms: number };

const scope = self as unknown as {
  onmessage: (event: MessageEvent<ProgramRequest>) => void;
  postMessage(message: ProgramReply): void;
};
const modules = { gradscript, 'gradscript/runtime': runtime };
let compiler: Promise<(program: string) => Compiled> | undefined;

scope.onmessage = (event) => {
  compiler ??= import('./compiler-loaded').then((loaded) => loaded.compile);
  compiler
    .then((compile) => {
      const started = performance.now();
      const compiled = compile(event.data.program);
      if ('problems' in compiled) {
        scope.postMessage({ type: 'failed', during: 'compiling', problems: compiled.problems });
        return;
      }
      const ran = performance.now();
      scope.postMessage({ type: 'compiled', ms: ran - started });
      const failed = runCompiled(compiled, modules, (line) =>
        scope.postMessage({ type: 'printed', line }),
      );
      if (failed) scope.postMessage({ type: 'failed', during: 'running', problems: [failed] });
      else scope.postMessage({ type: 'finished', ms: performance.now() - ran });
    })
    .catch((error: unknown) => {
      // The compiler did not load (the network) or broke on this text: said, not left hanging.
      compiler = undefined;
      const message = `the compiler failed: ${error instanceof Error ? error.message : String(error)}`;
      scope.postMessage({
        type: 'failed',
        during: 'compiling',
        problems: [{ line: 1, column: 1, message }],
      });
    });
};
