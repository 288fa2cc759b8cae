/**
 * Runs a compiled script as `node` runs a script: its CommonJS files through Node's CommonJS
 * loader and its ES modules through Node's ES module loader (top-level await, import.meta.url),
 * each given the JavaScript gradscript compiled for it.
 */
import * as fs from 'fs';
import Module from 'module';
import { pathToFileURL } from 'url';
import type { CompiledModule } from './script-cache';
import { compiledSource, type HookData } from './script-hooks';

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

/**
 * Runs `entry` with `args` as its arguments (process.argv.slice(2)). A CommonJS entry becomes
 * the main module (`require.main === module`); an ES module is imported as Node imports one.
 * What the script throws is printed as Node prints it, and sets the exit code to 1.
 */
export function runScript(
  entry: string,
  modules: ReadonlyMap<string, CompiledModule>,
  args: readonly string[],
): void {
  // Stack traces go through the inline source maps, onto the user's lines.
  process.setSourceMapsEnabled(true);
  loadCommonJsFromCompiled(modules);
  if ([...modules.values()].some((m) => m.format === 'module')) {
    const data: HookData = { modules: [...modules] };
    Module.register('./script-hooks.js', pathToFileURL(__filename), { data });
  }
  process.argv = [process.argv[0], entry, ...args];
  const scriptFailed = (error: unknown) => {
    // The script's own failure: show it as node would, stack and all.
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  };
  if (modules.get(fs.realpathSync(entry))?.format === 'module') {
    import(pathToFileURL(entry).href).catch(scriptFailed);
    return;
  }
  try {
    // What `node file.js` does: makes it process.mainModule, hence require.main.
    (Module as unknown as ModuleLoader)._load(entry, null, true);
  } catch (error) {
    scriptFailed(error);
  }
}

/** Makes Node's CommonJS loader take the compiled JavaScript for each file of the script. */
function loadCommonJsFromCompiled(modules: ReadonlyMap<string, CompiledModule>): void {
  const loader = Module as unknown as ModuleLoader;
  const extensions = loader._extensions;
  const compileModule = (module: NodeModule, filename: string, code: string) =>
    (module as unknown as { _compile(code: string, file: string): void })._compile(code, filename);
  for (const extension of ['.ts', '.cts', '.tsx']) {
    extensions[extension] = (module, filename) => {
      const compiled = modules.get(filename);
      if (compiled === undefined)
        throw new Error(`gradscript run: ${filename} was not part of the compiled script`);
      compileModule(module, filename, compiled.code);
    };
  }
  // JavaScript the program compiled (allowJs) runs as compiled, the rest as Node would run it.
  // Node loads .cjs and .jsx files, whose extensions it has no loader for, with this one too.
  const loadJavaScript = extensions['.js'];
  extensions['.js'] = (module, filename) => {
    const compiled = modules.get(filename);
    if (compiled === undefined) loadJavaScript(module, filename);
    else compileModule(module, filename, compiled.code);
  };
  const resolveFilename = loader._resolveFilename;
  loader._resolveFilename = function (request, parent, ...rest) {
    const fromCompiled = parent?.filename !== undefined && modules.has(parent.filename);
    return (
      (fromCompiled && compiledSource(request, parent.filename, modules)) ||
      resolveFilename.call(this, request, parent, ...rest)
    );
  };
}
