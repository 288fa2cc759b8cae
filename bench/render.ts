/** Graph rendering time with the WebAssembly Graphviz, for graphs of about 100, 500 and 2,000 values. */
import { Value, renderSvg } from '../src';
import { median } from './stats';

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

export async function renderBenchmark(runs = 3): Promise<void> {
  console.log(`\nGraph rendering, WebAssembly Graphviz (median of ${runs})`);
  for (const size of [100, 500, 2000]) {
    const graph = layeredGraph(size);
    const values = graph.topologicalOrder().length;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = process.hrtime.bigint();
      await renderSvg(graph, { maxNodes: 5000 });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    console.log(
      `  ${String(values).padStart(5)} values  ${median(times).toFixed(0).padStart(6)} ms`,
    );
  }
}

if (require.main === module) void renderBenchmark();
