/**
 * Renders DOT to SVG: by default with Graphviz compiled to WebAssembly (@viz-js/viz), so a fresh
 * machine needs no system binary; a system `dot` is used when asked, or found by `auto`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { RenderResult } from '@viz-js/viz' with { 'resolution-mode': 'import' };
import { Value } from '../engine';
import { checkChoice } from '../checks';
import { countBoxes, drawDot, type DotOptions } from './dot';

export interface RenderOptions extends DotOptions {
  /** `wasm` (the default), a system `dot`, or `auto`: the system one when there is one. */
  renderer?: 'wasm' | 'dot' | 'auto';
  /**
   * The most boxes (values, or collapsed neurons) to lay out, or nodes of DOT text, before
   * refusing the graph (2,000 by default): layout time grows steeply with size, from under two
   * seconds at 2,000 nodes to about 15 s at 6,000 and a minute at 12,000.
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

/**
 * Graphviz's layout recurses about as deep as the graph is long, and in WebAssembly it recurses
 * on the JavaScript thread's stack: the main thread's (under 1 MB) overflows, "Maximum call
 * stack size exceeded", at about 6,000 values in a chain or 18,000 side by side. So the layout
 * runs in a worker thread with a stack this large, and any graph that lays out in minutes fits.
 */
const LAYOUT_STACK_MB = 256;

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
      `the graph has ${size} nodes, more than maxNodes (${maxNodes}): layout would take long ` +
        '(about 15 s at 6,000 nodes, a minute at 12,000). Pass a larger maxNodes to wait ' +
        'for it, or draw less of it with { collapse: model } or { depth: N }.',
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
  layoutThread ??= new LayoutThread();
  const result = await layoutThread.render(dot, graphAttributes);
  // Graphviz reports some errors (a malformed record label) and still draws a picture, a wrong one.
  const errors = result.errors.filter((e) => e.level === 'error');
  if (result.status !== 'success' || errors.length > 0) {
    const messages = errors.map((e) => e.message.trim()).join('; ');
    throw new Error(`Graphviz could not draw the graph: ${messages || 'render failed'}`);
  }
  return result.output;
}

let layoutThread: LayoutThread | undefined;

/**
 * The worker thread that holds Graphviz, started on the first render and kept for the next. It
 * does not keep the process alive while it has nothing to do.
 */
class LayoutThread {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (result: RenderResult) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;

  constructor() {
    // @viz-js/viz's CommonJS build, by its path: it loads under require() and under jest alike.
    this.worker = new Worker(LAYOUT_THREAD_SOURCE, {
      eval: true,
      workerData: { viz: require.resolve('@viz-js/viz') },
      resourceLimits: { stackSizeMb: LAYOUT_STACK_MB },
    });
    this.worker.unref();
    this.worker.on('message', ({ id, result, error }: LayoutReply) => {
      const request = this.pending.get(id)!;
      this.settle(id);
      if (error === undefined) request.resolve(result!);
      else request.reject(new Error(`Graphviz could not draw the graph: ${error}`));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) =>
      this.fail(new Error(`Graphviz's thread stopped (exit ${code})`)),
    );
  }

  render(dot: string, graphAttributes: GraphAttributes): Promise<RenderResult> {
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, dot, graphAttributes });
    });
  }

  private settle(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }

  /** The thread died: every waiting render fails, and the next one starts a new thread. */
  private fail(error: Error): void {
    if (layoutThread === this) layoutThread = undefined;
    for (const [id, request] of this.pending) {
      this.settle(id);
      request.reject(error);
    }
  }
}

interface LayoutReply {
  id: number;
  result?: RenderResult;
  error?: string;
}

const LAYOUT_THREAD_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const viz = require(workerData.viz).instance();
parentPort.on('message', async ({ id, dot, graphAttributes }) => {
  try {
    const { status, output, errors } = (await viz).render(dot, { format: 'svg', graphAttributes });
    parentPort.postMessage({ id, result: { status, output, errors } });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
});
`;

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
