/**
 * Node's module hooks for `gradscript run` (registered by script-loader.ts; Node runs them on a
 * thread of its own): an ES module of the script loads the JavaScript gradscript compiled for
 * it, and a specifier with a JavaScript extension finds the TypeScript file it means.
 */
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import type { CompiledModule } from './script-cache';

/** What the script's files import, as TypeScript reads it: `./lib.js` means lib.ts when there is one. */
const SOURCE_EXTENSIONS: Record<string, readonly string[]> = {
  '.js': ['.ts', '.tsx', '.js', '.jsx'],
  '.jsx': ['.tsx', '.jsx'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
};

/** The compiled file a relative specifier with a JavaScript extension names, if it names one. */
export function compiledSource(
  request: string,
  parentFile: string,
  modules: ReadonlyMap<string, CompiledModule>,
): string | undefined {
  const extension = path.extname(request);
  const candidates = SOURCE_EXTENSIONS[extension];
  if (!candidates || !/^\.\.?\//.test(request)) return undefined;
  const base = path.resolve(path.dirname(parentFile), request.slice(0, -extension.length));
  return candidates.map((sourceExtension) => base + sourceExtension).find((f) => modules.has(f));
}

/** The data script-loader.ts registers these hooks with. */
export interface HookData {
  modules: [string, CompiledModule][];
}

let modules = new Map<string, CompiledModule>();

export function initialize(data: HookData): void {
  modules = new Map(data.modules);
}

interface ResolveContext {
  parentURL?: string;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>;

export async function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: NextResolve,
): Promise<{ url: string; shortCircuit?: boolean }> {
  const parent = context.parentURL?.startsWith('file:') && fileURLToPath(context.parentURL);
  const source = parent && modules.has(parent) && compiledSource(specifier, parent, modules);
  return source
    ? { url: pathToFileURL(source).href, shortCircuit: true }
    : nextResolve(specifier, context);
}

interface LoadResult {
  format: string;
  source?: string;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context: object) => Promise<LoadResult>;

export async function load(url: string, context: object, nextLoad: NextLoad): Promise<LoadResult> {
  const compiled = url.startsWith('file:') ? modules.get(fileURLToPath(url)) : undefined;
  if (!compiled) return nextLoad(url, context);
  return { format: compiled.format, source: compiled.code, shortCircuit: true };
}
