/**
 * What the transformer tests share: the compiler options they use, a compiler host that parses
 * each declaration file once, and a way to run a module.
 */
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

/**
 * The declaration files (TypeScript's lib files, gradscript's declarations) that every compile in
 * a test file reads alike, parsed and bound once rather than once a Program: the default lib alone
 * (with the DOM) is most of a second each time. A SourceFile serves every Program that would have
 * parsed it the same way: the same compiler options that bear on parsing and binding (the key
 * TypeScript's own DocumentRegistry shares SourceFiles by), language version, module format and
 * JSDoc parsing. The files a test writes (.ts, .js) are read afresh each time.
 */
const sharedDeclarations = new Map<string, ts.SourceFile | undefined>();
const documentRegistry = ts.createDocumentRegistry();

/** ts.createCompilerHost(options), its declaration files shared as sharedDeclarations says. */
export function sharingCompilerHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const { getSourceFile } = host;
  const settings = documentRegistry.getKeyForCompilationSettings(options);
  host.getSourceFile = (name, languageVersion, onError, shouldCreateNewSourceFile) => {
    if (!name.endsWith('.d.ts')) return getSourceFile(name, languageVersion, onError);
    const parsing = typeof languageVersion === 'object' ? languageVersion : { languageVersion };
    const key = JSON.stringify([
      settings,
      parsing.languageVersion,
      parsing.impliedNodeFormat,
      parsing.jsDocParsingMode ?? host.jsDocParsingMode,
      name,
    ]);
    if (shouldCreateNewSourceFile || !sharedDeclarations.has(key))
      sharedDeclarations.set(key, getSourceFile(name, languageVersion, onError));
    return sharedDeclarations.get(key);
  };
  return host;
}

/** How runModule transpiles: each module to CommonJS JavaScript, for today's Node. */
const moduleOptions: ts.CompilerOptions = {
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
