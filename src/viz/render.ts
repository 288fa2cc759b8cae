/**
 * Renders DOT to SVG: by default with Graphviz compiled to WebAssembly (@viz-js/viz), so a fresh
 * machine needs no system binary; a system `dot` is used when asked, or found by `auto`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Viz } from '@viz-js/viz' with { 'resolution-mode': 'import' };
import { Value } from '../engine';
import { countBoxes, drawDot, type DotOptions } from './dot';

export interface RenderOptions extends DotOptions {
  /** `wasm` (the default), a system `dot`, or `auto`: the system one when there is one. */
  renderer?: 'wasm' | 'dot' | 'auto';
  /** The most boxes to lay out before refusing (2,000 by default): layout time grows steeply. */
  maxNodes?: number;
  /** The `dot` program to run; found on PATH when absent. */
  dotPath?: string;
}

export const DEFAULT_MAX_NODES = 2000;
/** Above this many boxes, layout is told to search less hard: a slightly plainer picture, much sooner. */
const QUICK_LAYOUT_ABOVE = 300;
const QUICK_LAYOUT = 'graph [nslimit=2, nslimit1=2, mclimit=0.3, searchsize=10, splines=line];';

let wasm: Promise<Viz> | undefined;

/** The SVG of a Value's graph (drawn by drawDot with these options) or of DOT text. */
export async function renderSvg(
  rootOrDot: Value | string,
  options: RenderOptions = {},
): Promise<string> {
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  const size =
    rootOrDot instanceof Value ? countBoxes(rootOrDot, options) : countDotNodes(rootOrDot);
  if (size > maxNodes) {
    throw new Error(
      `the graph has ${size} nodes, more than maxNodes (${maxNodes}): layout would take long. ` +
        'Pass a larger maxNodes, or draw less of it with { collapse: model } or { depth: N }.',
    );
  }
  let dot = rootOrDot instanceof Value ? drawDot(rootOrDot, options) : rootOrDot;
  if (size > QUICK_LAYOUT_ABOVE) dot = dot.replace(/\{/, `{\n  ${QUICK_LAYOUT}`);
  const renderer = options.renderer ?? 'wasm';
  if (renderer !== 'wasm' && renderer !== 'dot' && renderer !== 'auto') {
    throw new Error(`unknown renderer '${String(renderer)}': expected one of wasm, dot, auto`);
  }
  const system = renderer === 'wasm' ? undefined : (options.dotPath ?? findOnPath('dot'));
  if (renderer === 'dot' && (system === undefined || !isExecutable(system))) {
    throw new Error(
      `renderer 'dot' needs Graphviz's dot program, which was not found${system ? ` at ${system}` : ' on PATH'}; ` +
        "use renderer 'wasm' (needs nothing installed) or 'auto'",
    );
  }
  return system !== undefined && isExecutable(system)
    ? renderWithDot(system, dot)
    : renderWithWasm(dot);
}

/** Renders and writes the SVG to a file, making its folder if needed. */
export async function writeSvg(
  rootOrDot: Value | string,
  file: string,
  options: RenderOptions = {},
): Promise<void> {
  const svg = await renderSvg(rootOrDot, options);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, svg);
  } catch (error) {
    throw new Error(`cannot write ${file}: ${(error as Error).message}`);
  }
}

async function renderWithWasm(dot: string): Promise<string> {
  wasm ??= loadViz().instance();
  const result = (await wasm).render(dot, { format: 'svg' });
  if (result.status !== 'success') {
    throw new Error(
      `Graphviz could not draw the graph: ${result.errors.map((e) => e.message.trim()).join('; ')}`,
    );
  }
  return result.output;
}

/** @viz-js/viz's CommonJS build: it loads under require() and under jest alike. */
function loadViz(): typeof import('@viz-js/viz', { with: { 'resolution-mode': 'import' } }) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@viz-js/viz');
}

function renderWithDot(program: string, dot: string): string {
  const result = spawnSync(program, ['-Tsvg'], {
    input: dot,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (result.error) throw new Error(`could not run ${program}: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(`Graphviz could not draw the graph: ${result.stderr.trim()}`);
  return result.stdout;
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Node statements in DOT text (lines of the form `id [...]`, not edges or defaults). */
function countDotNodes(dot: string): number {
  return dot
    .split('\n')
    .filter(
      (line) => /^\s*("[^"]*"|[\w.]+)\s*\[/.test(line) && !/^\s*(graph|node|edge)\s*\[/.test(line),
    ).length;
}
