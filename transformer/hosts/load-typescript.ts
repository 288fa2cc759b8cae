/**
 * Loads TypeScript for a compilation of `gradscript run`, `build` or `check`, with V8's code
 * cache. typescript.js is 9 MB of JavaScript, and compiling it, and the functions a compilation
 * then calls, took about a tenth of a small script's cold start here, and a small project's build
 * took 1.4 s without it, 1.1 s with it. V8 keeps that work in its code cache (vm.Script's
 * cachedData), which is written after a compilation, so that it holds those functions too, and
 * which V8 itself refuses if it does not fit this Node or its flags: then it is written again.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import Module from 'module';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import type { TypeScript } from '../core/rewrite';

export interface LoadedTypeScript {
  tsi: TypeScript;
  /** Writes V8's code for TypeScript when there was none that fitted. Call after compiling. */
  keepCode(): void;
}

/**
 * TypeScript, as `require('typescript')` would give it, with its code cached in `directory`;
 * `debug` hears when the code is written.
 */
export function loadTypeScript(
  directory: string,
  debug: (message: string) => void,
): LoadedTypeScript {
  const file = require.resolve('typescript');
  const required = require.cache[file];
  if (required) return { tsi: required.exports as TypeScript, keepCode: () => {} };
  const { size, mtimeMs, ctimeMs } = fs.statSync(file);
  const key = [file, size, mtimeMs, ctimeMs, process.version, process.arch].join(':');
  const hash = crypto.createHash('sha256').update(key).digest('hex');
  const codePath = path.join(directory, `typescript-${hash.slice(0, 16)}.bin`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(codePath);
  } catch {
    // None yet: this compilation makes it.
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), {
    filename: file,
    cachedData,
  });
  // Registered as Node's loader would, so that a later require('typescript') gets this one.
  const loaded = new Module(file);
  loaded.filename = file;
  require.cache[file] = loaded;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(loaded.exports, Module.createRequire(file), loaded, file, path.dirname(file));
  loaded.loaded = true;
  return {
    tsi: loaded.exports as TypeScript,
    keepCode() {
      if (cachedData !== undefined && !script.cachedDataRejected) return;
      const temporary = `${codePath}.${process.pid}.tmp`;
      try {
        fs.mkdirSync(directory, { recursive: true });
        fs.writeFileSync(temporary, script.createCachedData());
        fs.renameSync(temporary, codePath);
        debug(`wrote V8's code for TypeScript (${codePath})`);
      } catch (error) {
        fs.rmSync(temporary, { force: true });
        debug(`could not write ${codePath}: ${(error as Error).message}`);
      }
    },
  };
}

/**
 * node_modules/.cache/gradscript of the nearest folder from `folder` up that has a node_modules,
 * else a folder in the system's temporary folder: where gradscript keeps what it caches.
 */
export function cacheFolder(folder: string): string {
  for (let directory = folder; ; directory = path.dirname(directory)) {
    const modules = path.join(directory, 'node_modules');
    if (fs.statSync(modules, { throwIfNoEntry: false })?.isDirectory())
      return path.join(modules, '.cache', 'gradscript');
    if (path.dirname(directory) === directory) return path.join(os.tmpdir(), 'gradscript-cache');
  }
}

/** Where V8's code for TypeScript is kept: beside the cache folder `cache` (see cacheFolder). */
export function codeFolder(cache: string): string {
  return `${cache}-v8`;
}
