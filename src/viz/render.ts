/**
 * Renders DOT to SVG: by default with Graphviz compiled to WebAssembly (@viz-js/viz), so a fresh
 * machine needs no system binary; a system `dot` is used when asked, or found by `auto`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Viz } from '@viz-js/viz' with { 'resolution-mode': 'import' };
import { Value } from '../engine';
import { checkChoice } from '../nn';
import { countBoxes, drawDot, type DotOptions } from './dot';

export interface RenderOptions extends DotOptions {
  /** `wasm` (the default), a system `dot`, or `auto`: the system one when there is one. */
  renderer?: 'wasm' | 'dot' | 'auto';
  /**
   * The most boxes (values, or collapsed neurons) to lay out, or nodes of DOT text, before
   * refusing the graph (2,000 by default): layout time grows steeply with size.
   */
  maxNodes?: number;
  /** The path of the `dot` program to run; looked up on PATH when absent. */
  dotPath?: string;
}

export const DEFAULT_MAX_NODES = 2000;
const RENDERERS = ['wasm', 'dot', 'auto'] as const;
type Renderer = (typeof RENDERERS)[number];
/**
 * Above this many nodes, layout is told to search less hard: a plainer picture, much sooner.
 * Most of the time goes to placing nodes within their ranks (nslimit) and to reducing edge
 * crossings (mclimit); on 2,000 values these limits cut it to a third (see bench/render.ts).
 */
const QUICK_LAYOUT_ABOVE = 300;
const QUICK_LAYOUT: GraphAttributes = { nslimit: 0.1, nslimit1: 0.1, mclimit: 0.1 };

type GraphAttributes = Record<string, number>;

let wasm: Promise<Viz> | undefined;

/** The SVG of a Value's graph (drawn by drawDot with these options) or of DOT text. */
export async function renderSvg(
  rootOrDot: Value | string,
  options: RenderOptions = {},
): Promise<string> {
  if (!(rootOrDot instanceof Value) && typeof rootOrDot !== 'string') {
    throw new TypeError(`renderSvg draws a Value or DOT text, got ${typeof rootOrDot}`);
  }
  const renderer = checkChoice('renderer', options.renderer ?? 'wasm', RENDERERS);
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  if (typeof maxNodes !== 'number' || !(maxNodes >= 1)) {
    throw new Error(`maxNodes must be a number of nodes, at least 1, got ${String(maxNodes)}`);
  }
  // Counted before anything is laid out, so a graph too big is refused at once.
  const size =
    rootOrDot instanceof Value ? countBoxes(rootOrDot, options) : countDotNodes(rootOrDot);
  if (size > maxNodes) {
    throw new Error(
      `the graph has ${size} nodes, more than maxNodes (${maxNodes}): layout would take long. ` +
        'Pass a larger maxNodes, or draw less of it with { collapse: model } or { depth: N }.',
    );
  }
  const dot = rootOrDot instanceof Value ? drawDot(rootOrDot, options) : rootOrDot;
  const limits = size > QUICK_LAYOUT_ABOVE ? QUICK_LAYOUT : {};
  const program = systemDot(renderer, options.dotPath);
  return program ? renderWithDot(program, dot, limits) : renderWithWasm(dot, limits);
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

/** The system `dot` to run, or undefined for the WebAssembly Graphviz. */
function systemDot(renderer: Renderer, dotPath?: string): string | undefined {
  if (renderer === 'wasm') return undefined;
  const program = dotPath ?? findOnPath('dot');
  if (program !== undefined && isExecutable(program)) return program;
  if (renderer === 'auto') return undefined;
  throw new Error(
    `renderer 'dot' needs Graphviz's dot program, which was not found${program ? ` at ${program}` : ' on PATH'}; ` +
      "use renderer 'wasm' (needs nothing installed) or 'auto'",
  );
}

async function renderWithWasm(dot: string, graphAttributes: GraphAttributes): Promise<string> {
  wasm ??= loadViz().instance();
  const result = (await wasm).render(dot, { format: 'svg', graphAttributes });
  // Graphviz reports some errors (a malformed record label) and still draws a picture, a wrong one.
  const errors = result.errors.filter((e) => e.level === 'error');
  if (result.status !== 'success' || errors.length > 0) {
    const messages = errors.map((e) => e.message.trim()).join('; ');
    throw new Error(`Graphviz could not draw the graph: ${messages || 'render failed'}`);
  }
  return result.output;
}

/** @viz-js/viz's CommonJS build: it loads under require() and under jest alike. */
function loadViz(): typeof import('@viz-js/viz', { with: { 'resolution-mode': 'import' } }) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@viz-js/viz');
}

function renderWithDot(program: string, dot: string, graphAttributes: GraphAttributes): string {
  const settings = Object.entries(graphAttributes).map(([name, value]) => `-G${name}=${value}`);
  const result = spawnSync(program, ['-Tsvg', ...settings], {
    input: dot,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  // EPIPE: dot stopped reading, at a syntax error say, and what it said follows.
  const { error } = result as { error?: NodeJS.ErrnoException };
  if (error && error.code !== 'EPIPE')
    throw new Error(`could not run ${program}: ${error.message}`);
  const errors = result.stderr.match(/^Error: .*/gm) ?? [];
  if (result.status !== 0 || errors.length > 0) {
    const messages = errors.map((e) => e.slice('Error: '.length).trim()).join('; ');
    throw new Error(`Graphviz could not draw the graph: ${messages || result.stderr.trim()}`);
  }
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

/** DOT's ids (plain or quoted), the punctuation around them, and comments (to drop). */
const DOT_TOKENS =
  /"(?:[^"\\]|\\[\s\S])*"|\/\/.*|\/\*[\s\S]*?\*\/|^\s*#.*|[\w.\u0080-\uffff]+|[[\]{};,=:]/gm;
const DOT_KEYWORDS = new Set(['strict', 'graph', 'digraph', 'subgraph', 'node', 'edge']);

/**
 * The distinct nodes DOT text names: ids outside attribute lists, but not keywords, graph
 * names, ports (`a:out`) or settings (`rankdir=LR`).
 */
function countDotNodes(dot: string): number {
  const tokens = (dot.match(DOT_TOKENS) ?? []).filter((token) => !/^(\/[/*]|\s*#)/.test(token));
  const nodes = new Set<string>();
  let inAttributes = false;
  tokens.forEach((token, i) => {
    const before = tokens[i - 1] ?? '';
    if (token === '[' || token === ']') inAttributes = token === '[';
    const isId = !/^[[\]{};,=:]$/.test(token) && !DOT_KEYWORDS.has(token.toLowerCase());
    const isSetting = before === '=' || tokens[i + 1] === '=' || before === ':';
    const isGraphName = /^(sub|di)?graph$/i.test(before);
    if (isId && !inAttributes && !isSetting && !isGraphName)
      nodes.add(token.replace(/^"(.*)"$/s, '$1'));
  });
  return nodes.size;
}
