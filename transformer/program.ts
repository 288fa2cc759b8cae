/**
 * The package's `gradscript/transformer`: ts-patch's program transformer (hosts/ts-patch.ts), and
 * the rewriter every other host drives (core/program.ts).
 */
export { default, type TransformerConfig } from './hosts/ts-patch';
export {
  DIAGNOSTIC_CODE,
  ProgramRewriter,
  rewriteProgram,
  type RewriterOptions,
  type RewrittenProgram,
} from './core/program';
