/**
 * The ts-patch host: `{ "transform": "gradscript/transformer", "transformProgram": true }` in a
 * tsconfig's `plugins` makes tspc hand each Program it builds to this function.
 */
import type * as ts from 'typescript';
import { rewriteProgram } from '../core/program';
import type { TypeScript } from '../core/rewrite';

export interface TransformerConfig {
  /** The module the runtime helpers are imported from; `gradscript/runtime` by default. */
  runtime?: string;
}

/** What ts-patch calls, with the Program it built from the user's files. */
export default function transformProgram(
  program: ts.Program,
  host: ts.CompilerHost | undefined,
  config: TransformerConfig,
  extras: { ts: TypeScript },
): ts.Program {
  return rewriteProgram(extras.ts, program, host, { runtimeModule: config.runtime });
}
