/**
 * `gradscript run file.ts [args…]`: type-checks the script with natural arithmetic rewritten,
 * prints any diagnostic at the user's own line and column, and runs it when there is none, as
 * `node` runs a script. The compiled script is cached (see transformer/script-cache.ts), so an
 * unchanged script starts without loading TypeScript at all.
 */
import { Command } from 'commander';
import Module from 'module';
import * as path from 'path';
import type * as Compile from '../../transformer/compile';
import type { TypeScript } from '../../transformer/rewrite';
import { ScriptCache, type PreviousCompilation } from '../../transformer/script-cache';

export interface RunOptions {
  /** Whether to reuse, and keep, the compiled script. */
  cache: boolean;
}

export function runCommand(): Command {
  return (
    new Command('run')
      .description(
        'type-check a TypeScript script written with natural arithmetic on Values, then run it',
      )
      .argument('<file>', 'the script, a .ts file')
      .argument('[args...]', 'arguments passed to the script as process.argv.slice(2)')
      .option(
        '--no-cache',
        'compile afresh, without reading or writing the cache of compiled scripts',
      )
      // Everything after the script's name is the script's, options included.
      .passThroughOptions()
      .helpOption('-h, --help', 'show this help')
      .action((file: string, args: string[], options: RunOptions) => run(file, args, options))
  );
}

export function run(file: string, args: readonly string[], options: RunOptions): void {
  const entry = path.resolve(file);
  const debug = cacheDebug();
  const cache = options.cache ? new ScriptCache(entry, debug) : undefined;
  const lookup = cache?.load();
  const javascript = lookup?.javascript ?? compile(file, cache, lookup?.previous, debug);
  if (javascript) execute(entry, javascript, args);
}

/** With GRADSCRIPT_CACHE_DEBUG set, the cache says on stderr what it found and did. */
function cacheDebug(): (message: string) => void {
  return process.env.GRADSCRIPT_CACHE_DEBUG
    ? (message) => process.stderr.write(`gradscript cache: ${message}\n`)
    : () => {};
}

/** The script's JavaScript, or undefined (with the diagnostics printed) when it has errors. */
function compile(
  file: string,
  cache: ScriptCache | undefined,
  previous: PreviousCompilation | undefined,
  debug: (message: string) => void,
): Map<string, string> | undefined {
  // Loaded only on a miss: TypeScript is most of what a warm start would otherwise spend.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const tsi = require('typescript') as TypeScript;
  const { compileScript } = require('../../transformer/compile') as typeof Compile;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const compiled = compileScript(tsi, file, previous);
  const { afresh, of } = compiled.compiledFiles;
  if (cache) debug(`compiled ${afresh} of ${of} files afresh`);
  if (compiled.diagnostics.length === 0) {
    // Kept only when clean, so that the next run has no warnings to repeat.
    cache?.save(compiled.javascript, compiled.inputs, compiled.sources);
    return compiled.javascript;
  }
  process.stderr.write(compiled.format(compiled.diagnostics, process.stderr.isTTY === true));
  if (compiled.diagnostics.some((d) => d.category === tsi.DiagnosticCategory.Error)) {
    process.exitCode = 1;
    return undefined;
  }
  return compiled.javascript;
}

/** The internals of Node's CommonJS loader that its own `node file.js` goes through. */
interface ModuleLoader {
  _extensions: Record<string, (module: NodeModule, filename: string) => void>;
  _resolveFilename(
    request: string,
    parent: NodeModule | null | undefined,
    ...rest: unknown[]
  ): string;
  _load(request: string, parent: NodeModule | null, isMain: boolean): unknown;
}

/** What TypeScript reads a specifier with a JavaScript extension as, in the order it tries them. */
const SOURCE_EXTENSIONS: Record<string, readonly string[]> = {
  '.js': ['.ts', '.tsx', '.js', '.jsx'],
  '.jsx': ['.tsx', '.jsx'],
  '.cjs': ['.cts', '.cjs'],
};

/** Runs the compiled script as Node runs a main module: `require.main === module` holds in it. */
function execute(entry: string, javascript: ReadonlyMap<string, string>, args: readonly string[]) {
  // Stack traces go through the inline source maps, onto the user's lines.
  process.setSourceMapsEnabled(true);
  const loader = Module as unknown as ModuleLoader;
  const extensions = loader._extensions;
  const compileModule = (module: NodeModule, filename: string, code: string) =>
    (module as unknown as { _compile(code: string, file: string): void })._compile(code, filename);
  for (const extension of ['.ts', '.cts', '.tsx']) {
    extensions[extension] = (module, filename) => {
      const compiled = javascript.get(filename);
      if (compiled === undefined)
        throw new Error(`gradscript run: ${filename} was not part of the compiled script`);
      compileModule(module, filename, compiled);
    };
  }
  // JavaScript the program compiled (allowJs) runs as compiled, the rest as Node would run it.
  // Node loads .cjs and .jsx files, whose extensions it has no loader for, with this one too.
  const loadJavaScript = extensions['.js'];
  extensions['.js'] = (module, filename) => {
    const compiled = javascript.get(filename);
    if (compiled === undefined) loadJavaScript(module, filename);
    else compileModule(module, filename, compiled);
  };
  // TypeScript reads `import './lib.js'` as lib.ts when there is one (the output's name, the
  // ESM convention); so does the compiled script.
  const resolveFilename = loader._resolveFilename;
  loader._resolveFilename = function (request, parent, ...rest) {
    const fromCompiled = parent?.filename !== undefined && javascript.has(parent.filename);
    return (
      (fromCompiled && compiledSource(request, parent.filename, javascript)) ||
      resolveFilename.call(this, request, parent, ...rest)
    );
  };
  process.argv = [process.argv[0], entry, ...args];
  try {
    // What `node file.js` does: makes it process.mainModule, hence require.main.
    loader._load(entry, null, true);
  } catch (error) {
    // The script's own failure: show it as node would, stack and all.
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  }
}

/** The compiled file a relative specifier with a JavaScript extension names, if it names one. */
function compiledSource(
  request: string,
  parentFile: string,
  javascript: ReadonlyMap<string, string>,
): string | undefined {
  const extension = path.extname(request);
  const candidates = SOURCE_EXTENSIONS[extension];
  if (!candidates || !/^\.\.?\//.test(request)) return undefined;
  const base = path.resolve(path.dirname(parentFile), request.slice(0, -extension.length));
  return candidates.map((sourceExtension) => base + sourceExtension).find((f) => javascript.has(f));
}
