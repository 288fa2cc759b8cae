/**
 * Graph rendering time with the WebAssembly Graphviz, for graphs of about 100, 500 and 2,000
 * values: through renderSvg, which limits the layout's effort above 300 values, and Graphviz's
 * own default layout of the same DOT text, to show what those limits save.
 */
import type { Viz } from '@viz-js/viz' with { 'resolution-mode': 'import' };
import { Value, drawDot, renderSvg } from '../src';
import { type Figure, median, publish } from './stats';

/** Dense layers of tanh units, eight wide, deep enough for about `size` values. */
function layeredGraph(size: number): Value {
  let layer = Array.from({ length: 8 }, (_, i) => new Value(i / 8, `x${i}`));
  for (;;) {
    const inputs = layer;
    layer = inputs.map((_, j) => Value.sum(inputs.map((x, i) => x.mul((i - j) / 10))).tanh());
    const out = Value.sum(layer);
    if (out.topologicalOrder().length >= size) return out;
  }
}

/**
 * The median times of `runs` calls of each of `renders`, in milliseconds, taking turns: whatever
 * else the machine does then slows each alike.
 */
async function times(runs: number, renders: (() => unknown)[]): Promise<number[]> {
  const times = renders.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, render] of renders.entries()) {
      const started = process.hrtime.bigint();
      await render();
      times[k].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return times.map(median);
}

/** How many times each size is rendered: a small graph's few milliseconds need more runs to settle. */
const RUNS: Record<number, number> = { 100: 21, 500: 9, 2000: 3 };

export async function renderBenchmark(): Promise<Figure[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS build, as render.ts loads it
  const { instance } = require('@viz-js/viz') as { instance(): Promise<Viz> };
  const viz = await instance();
  // Warm both up first: the first renders pay for loading Graphviz and compiling its code.
  for (let i = 0; i < 3; i++) {
    await renderSvg(layeredGraph(100));
    viz.render(drawDot(layeredGraph(100)), { format: 'svg' });
  }
  const figures: Figure[] = [];
  for (const size of [100, 500, 2000]) {
    const graph = layeredGraph(size);
    const values = graph.topologicalOrder().length;
    const dot = drawDot(graph);
    const [limited, full] = await times(RUNS[size], [
      () => renderSvg(graph, { maxNodes: 5000 }),
      () => {
        if (viz.render(dot, { format: 'svg' }).status !== 'success')
          throw new Error('render failed');
      },
    ]);
    figures.push(
      {
        key: `render.${size}.default.ms`,
        label: `graph of ${values} values, WebAssembly Graphviz, its default layout`,
        value: full,
        unit: 'ms',
        ratio: 1,
      },
      {
        key: `render.${size}.renderSvg.ms`,
        label: `graph of ${values} values, renderSvg (layout effort limited above 300 values)`,
        value: limited,
        unit: 'ms',
        ratio: limited / full,
      },
    );
  }
  return figures;
}

if (require.main === module) void renderBenchmark().then(publish);
