/** What the transformer tests share: the compiler options they use, and a way to run a module. */
import * as ts from 'typescript';
import * as gradscript from '../src';
import * as runtime from '../src/runtime';

export const compilerOptions: ts.CompilerOptions = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  skipLibCheck: true,
  types: [],
  noEmit: true,
};

/** How runModule transpiles: each module to CommonJS JavaScript, for today's Node. */
export const moduleOptions: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
};

/** Runs TypeScript text as a CommonJS module, `gradscript` and its runtime bound to the sources under test. */
export function runModule<T>(source: string): T {
  return runJavaScript<T>(
    ts.transpileModule(source, { compilerOptions: moduleOptions }).outputText,
  );
}

/** Runs CommonJS JavaScript as a module, `gradscript` and its runtime bound to the sources under test. */
export function runJavaScript<T>(javascript: string): T {
  const modules: Record<string, unknown> = { gradscript, 'gradscript/runtime': runtime };
  const module = { exports: {} as T };
  new Function('require', 'module', 'exports', javascript)(
    (id: string) => modules[id],
    module,
    module.exports,
  );
  return module.exports;
}
