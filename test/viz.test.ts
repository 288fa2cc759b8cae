import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MLP, Value, drawDot, renderSvg, writeSvg } from '../src';

/** Every piece of text in an SVG, in document order. */
function texts(svg: string): string[] {
  expect(XMLValidator.validate(svg)).toBe(true);
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (key === '#text' && typeof child === 'string') found.push(child);
        else walk(child);
      }
    }
  };
  walk(
    new XMLParser({ preserveOrder: true, processEntities: true, htmlEntities: true }).parse(svg),
  );
  return found;
}

function lGraph() {
  const a = new Value(4, 'a');
  const b = new Value(-3, 'b');
  const c = new Value(8, 'c');
  const f = new Value(2, 'f');
  const d = a * b;
  d.label = 'd';
  const e = d + c;
  e.label = 'e';
  const L = e * f;
  L.label = 'L';
  L.backward();
  return L;
}

describe('drawDot', () => {
  test('draws each value as a record and each operation as a node, child -> op -> result', () => {
    const dot = drawDot(lGraph());
    expect(dot).toContain('rankdir=LR');
    expect(dot).toContain('n0 [label="{ a | data 4.0000 | grad -6.0000 }"];');
    expect(dot).toContain('n6 [label="{ L | data -8.0000 | grad 1.0000 }"];');
    expect(dot).toMatch(
      /n6_op \[label="\*", shape=ellipse\];\n {2}n6_op -> n6;\n {2}n4 -> n6_op;\n {2}n5 -> n6_op;/,
    );
  });

  test('ids follow the graph, never the contents: equal leaves are different nodes, the same twice', () => {
    const x = new Value(1);
    const y = new Value(1);
    const z = x + y;
    expect(drawDot(z).match(/\[label="\{/g)).toHaveLength(3);
    expect(drawDot(z)).toBe(drawDot(z));
  });

  test('escapes awkward labels for record shapes', () => {
    const v = new Value(1, 'a|b {c} <d> "q" back\\slash\nline');
    expect(drawDot(v)).toContain(
      'label="{ a\\|b \\{c\\} \\<d\\> \\"q\\" back\\\\slash\\nline | data',
    );
  });

  test('number format and direction are configurable', () => {
    const dot = drawDot(new Value(Math.PI), { format: 2, rankdir: 'TB' });
    expect(dot).toContain('data 3.14 |');
    expect(dot).toContain('rankdir=TB');
    expect(drawDot(new Value(0.5), { format: (x) => `${x * 100}%` })).toContain('data 50% |');
    expect(() => drawDot(new Value(1), { format: -1 })).toThrow(/format must be/);
  });

  test('colours parameters apart from inputs when told which are parameters', () => {
    const model = new MLP(2, [1], { seed: 1 });
    const [out] = model.forward([0.5, -1]);
    const dot = drawDot(out, { parameters: model });
    const fills = (label: RegExp) =>
      dot
        .split('\n')
        .filter((l) => label.test(l))
        .map((l) => /fillcolor="([^"]+)"/.exec(l)![1]);
    expect(new Set(fills(/data 0\.5000|data -1\.0000/))).toEqual(new Set(['#eeeeee']));
    const weight = model.parameters()[0].data.toFixed(4);
    expect(fills(new RegExp(`data ${weight.replace('.', '\\.')}`))).toContain('#cfe8ff');
  });

  test('collapses each neuron into one node', () => {
    const model = new MLP(2, [3, 1], { seed: 2, activation: 'tanh' });
    const [out] = model.forward([0.5, -1]);
    out.backward();
    const dot = drawDot(out, { collapse: model });
    expect(dot.match(/TanhNeuron\(2\)/g)).toHaveLength(3);
    expect(dot.match(/LinearNeuron\(3\)/g)).toHaveLength(1);
    expect(dot).not.toContain('label="*"');
    // Each hidden neuron feeds the output neuron.
    const output = /(n\d+) \[label="\{ LinearNeuron/.exec(dot)![1];
    expect(dot.match(new RegExp(`-> ${output};`, 'g'))).toHaveLength(3);
  });

  test('draws only the last levels when asked', () => {
    const dot = drawDot(lGraph(), { depth: 1 });
    expect(dot).toContain('{ L |');
    expect(dot).toContain('{ e |');
    expect(dot).not.toContain('{ a |');
  });
});

describe('renderSvg', () => {
  test('renders with WebAssembly Graphviz, node texts and all', async () => {
    const svg = await renderSvg(lGraph());
    const shown = texts(svg);
    expect(shown).toEqual(
      expect.arrayContaining(['a', 'data 4.0000', 'grad -6.0000', 'L', 'data -8.0000', '*', '+']),
    );
  });

  test('awkward labels survive into the picture', async () => {
    const shown = texts(await renderSvg(new Value(2, 'x|y <z> "w"')));
    expect(shown).toContain('x|y <z> "w"');
  });

  test('renders DOT text too', async () => {
    expect(texts(await renderSvg('digraph { hello -> world }'))).toEqual(
      expect.arrayContaining(['hello', 'world']),
    );
  });

  test("Graphviz's own errors become exceptions with its message", async () => {
    await expect(renderSvg('digraph { a -> }')).rejects.toThrow(
      /Graphviz could not draw the graph: .*syntax error/,
    );
  });

  test('refuses an oversized graph at once, saying its size and the option to raise', async () => {
    let x = new Value(1);
    for (let i = 0; i < 3000; i++) x = x + 1;
    const started = Date.now();
    await expect(renderSvg(x)).rejects.toThrow(
      'the graph has 6001 nodes, more than maxNodes (2000)',
    );
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(renderSvg(x, { maxNodes: 100, depth: 10 })).resolves.toContain('<svg');
  });

  test("'auto' falls back to WebAssembly when there is no dot; 'dot' says what is missing", async () => {
    const missing = path.join(os.tmpdir(), 'no-such-dir', 'dot');
    const svg = await renderSvg(lGraph(), { renderer: 'auto', dotPath: missing });
    expect(texts(svg)).toContain('data -8.0000');
    await expect(renderSvg(lGraph(), { renderer: 'dot', dotPath: missing })).rejects.toThrow(
      /renderer 'dot' needs Graphviz's dot program, which was not found at .*use renderer 'wasm'/,
    );
    await expect(renderSvg(lGraph(), { renderer: 'svg' as never })).rejects.toThrow(
      "unknown renderer 'svg': expected one of wasm, dot, auto",
    );
  });

  test("'dot' runs the program it is given", async () => {
    // A stand-in for Graphviz that answers with a fixed SVG shows the system path is taken.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-dot-'));
    const fake = path.join(dir, 'dot');
    fs.writeFileSync(
      fake,
      '#!/bin/sh\ncat > /dev/null\necho "<svg><text>from system dot</text></svg>"\n',
      { mode: 0o755 },
    );
    expect(texts(await renderSvg(lGraph(), { renderer: 'dot', dotPath: fake }))).toEqual([
      'from system dot',
    ]);
    expect(texts(await renderSvg(lGraph(), { renderer: 'auto', dotPath: fake }))).toEqual([
      'from system dot',
    ]);
    fs.rmSync(dir, { recursive: true });
  });

  test('writeSvg writes the file, and says which file it could not write', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-svg-'));
    const file = path.join(dir, 'deep', 'graph.svg');
    await writeSvg(lGraph(), file);
    expect(texts(fs.readFileSync(file, 'utf8'))).toContain('data -8.0000');
    fs.writeFileSync(path.join(dir, 'plain-file'), '');
    await expect(writeSvg(lGraph(), path.join(dir, 'plain-file', 'graph.svg'))).rejects.toThrow(
      /cannot write .*plain-file\/graph\.svg/,
    );
    fs.rmSync(dir, { recursive: true });
  });
});

test('expands the neurons asked for, and gives each collapsed neuron an id', () => {
  const model = new MLP(2, [2, 1], { seed: 2 });
  const [out] = model.forward([0.5, -1]);
  const dot = drawDot(out, { collapse: model, expand: [model.layers[0].neurons[1]] });
  expect(dot).toContain('id="neuron-0"');
  expect(dot).not.toContain('id="neuron-1"');
  expect(dot).toContain('id="neuron-2"');
  expect(dot.match(/label="\*"/g)).toHaveLength(2); // the expanded neuron's two products
});
