/**
 * `gradscript run file.ts [args…]`: type-checks the script with natural arithmetic rewritten,
 * prints any diagnostic at the user's own line and column, and runs it when there is none, as
 * `node` runs a script. The compiled script is cached (see transformer/hosts/run/script-cache.ts), so an
 * unchanged script starts without loading TypeScript at all.
 */
import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import type * as Compile from '../../transformer/hosts/run/compile';
import type { TypeScript } from '../../transformer/core/rewrite';
import {
  ScriptCache,
  type CompiledModule,
  type PreviousCompilation,
} from '../../transformer/hosts/run/script-cache';
import { loadTypeScript } from '../../transformer/hosts/load-typescript';
import { runScript } from '../../transformer/hosts/run/script-loader';

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
      .argument(
        '<file>',
        'the script: a .ts, .mts or .cts file (CommonJS or an ES module, as Node decides)',
      )
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
  // Before anything loads TypeScript, which takes longer than saying this.
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) throw new Error(`no such file: ${file}`);
  if (stat.isDirectory()) throw new Error(`${file} is a directory, not a script`);
  const debug = cacheDebug();
  const cache = options.cache ? new ScriptCache(entry, debug) : undefined;
  const lookup = cache?.load();
  const modules = lookup?.modules ?? compile(file, cache, lookup?.previous, debug);
  if (modules) runScript(entry, modules, args);
}

/** With GRADSCRIPT_CACHE_DEBUG set, the caches say on stderr what they found and did. */
export function cacheDebug(): (message: string) => void {
  return process.env.GRADSCRIPT_CACHE_DEBUG
    ? (message) => process.stderr.write(`gradscript cache: ${message}\n`)
    : () => {};
}

/** The script's modules, or undefined (with the diagnostics printed) when it has errors. */
function compile(
  file: string,
  cache: ScriptCache | undefined,
  previous: PreviousCompilation | undefined,
  debug: (message: string) => void,
): Map<string, CompiledModule> | undefined {
  // Loaded only on a miss: TypeScript is most of what a warm start would otherwise spend.
  const typeScript = cache
    ? loadTypeScript(cache.codeDirectory, debug)
    : // eslint-disable-next-line @typescript-eslint/no-require-imports
      { tsi: require('typescript') as TypeScript, keepCode: () => {} };
  const tsi = typeScript.tsi;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { compileScript } = require('../../transformer/hosts/run/compile') as typeof Compile;
  const compiled = compileScript(tsi, file, previous);
  typeScript.keepCode();
  const { afresh, of } = compiled.compiledFiles;
  if (cache) debug(`compiled ${afresh} of ${of} files afresh`);
  if (compiled.diagnostics.length === 0) {
    // Kept only when clean, so that the next run has no warnings to repeat.
    cache?.save(compiled.modules, compiled.inputs, compiled.sources, compiled.ambient);
    return compiled.modules;
  }
  process.stderr.write(compiled.format(compiled.diagnostics, process.stderr.isTTY === true));
  if (compiled.diagnostics.some((d) => d.category === tsi.DiagnosticCategory.Error)) {
    process.exitCode = 1;
    return undefined;
  }
  return compiled.modules;
}
