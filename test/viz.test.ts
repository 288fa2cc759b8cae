import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MLP, Value, drawDot, l2, renderSvg, writeSvg } from '../src';

/** The text of every <text> element in an SVG (the words drawn), in document order. */
function texts(svg: string): string[] {
  expect(XMLValidator.validate(svg)).toBe(true);
  const found: string[] = [];
  const walk = (nodes: Record<string, unknown>[]): void => {
    for (const node of nodes) {
      if (Array.isArray(node.text)) found.push(node.text.map((t) => t['#text'] ?? '').join(''));
      for (const [key, children] of Object.entries(node)) {
        if (key !== 'text' && Array.isArray(children)) walk(children);
      }
    }
  };
  walk(new XMLParser({ preserveOrder: true, htmlEntities: true }).parse(svg));
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
      /n6_op \[label="\*", shape=ellipse\];\n {2}n6_op -> n6;\n {2}n5 -> n6_op;\n {2}n3 -> n6_op;/,
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
    expect(() => drawDot(new Value(1), { rankdir: 'lr' as never })).toThrow(
      "unknown rankdir 'lr': expected one of LR, TB",
    );
  });

  test('colours parameters apart from inputs when told which are parameters', () => {
    const model = new MLP(2, [1], { seed: 1 });
    // Inputs as Values, to be drawn (a number operand stays a constant inside its node).
    const [out] = model.forward([new Value(0.5), new Value(-1)]);
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

  test('a collapsed neuron feeds whatever else uses its weights, an L2 penalty say', () => {
    const model = new MLP(2, [1], { seed: 3 });
    const [out] = model.forward([0.5, -1]);
    const dot = drawDot(out + l2(model.parameters()), { collapse: model });
    const neuron = /(n\d+) \[label="\{ LinearNeuron\(2\)/.exec(dot)![1];
    // Each of the three squares p*p reads its parameter from the neuron, twice over one edge.
    const squares = [...dot.matchAll(/(n\d+)_op \[label="\*"/g)].map((m) => m[1]);
    expect(squares).toHaveLength(3);
    for (const square of squares) {
      expect(dot.match(new RegExp(`-> ${square}_op;`, 'g'))).toEqual([`-> ${square}_op;`]);
      expect(dot).toContain(`${neuron} -> ${square}_op;`);
    }
  });

  test('given the model, names every value that has no label by what it is', () => {
    const model = new MLP(2, [2, 1], { seed: 4 });
    const [out] = model.forward([new Value(0.5), new Value(-1)]);
    const loss = (out * -1 + 1).relu();
    loss.backward();
    const names = (dot: string) => [...dot.matchAll(/label="\{ (.*?) \|/g)].map((m) => m[1]);
    const opened = names(drawDot(loss, { collapse: model, expand: [model.layers[0].neurons[0]] }));
    expect(opened).toEqual([
      'b',
      'w1',
      'input',
      'w1*x1',
      'w2',
      'input',
      'w2*x2',
      'Σ',
      'relu',
      'ReLUNeuron(2)',
      'LinearNeuron(2)',
      '*-1',
      '+1',
      'relu',
    ]);
    // Drawn in full, each neuron's values are named alike; a label given is kept.
    loss.label = 'loss';
    const full = names(drawDot(loss, { parameters: model }));
    expect(full.filter((name) => name === 'Σ')).toHaveLength(3);
    expect(full.filter((name) => name === 'b')).toHaveLength(3);
    expect(full[full.length - 1]).toBe('loss');
    expect(full).not.toContain('');
    // Without the model, micrograd's picture: only labels.
    expect(names(drawDot(loss))).toContain('');
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
    const shown = texts(await renderSvg(new Value(2, 'x|y {v} <z> "w" back\\slash\nnext line')));
    // A line break in a label starts a new line of text in the same box.
    expect(shown.slice(0, 3)).toEqual(['x|y {v} <z> "w" back\\slash', 'next line', 'data 2.0000']);
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
    // Graphviz draws this one anyway, with the node's name for its label: a wrong picture.
    await expect(renderSvg('digraph { a [shape=record, label="{ x | y"] }')).rejects.toThrow(
      'Graphviz could not draw the graph: bad label format { x | y',
    );
  });

  test('refuses an oversized graph at once, saying its size and the option to raise', async () => {
    let x = new Value(1);
    for (let i = 0; i < 3000; i++) x = x + 1;
    const started = Date.now();
    await expect(renderSvg(x)).rejects.toThrow(
      // The constants 1 are kept in their nodes: 3,001 Values.
      'the graph has 3001 nodes, more than maxNodes (2000)',
    );
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(renderSvg(x, { maxNodes: 100, depth: 10 })).resolves.toContain('<svg');
  });

  test('counts the nodes DOT text names, edges and quoted names included', async () => {
    await expect(renderSvg('digraph { a -> b -> c }', { maxNodes: 2 })).rejects.toThrow(
      'the graph has 3 nodes, more than maxNodes (2)',
    );
    const awkward = [
      'strict digraph "G" {',
      '  graph [rankdir=LR]; node [shape=box]; nodesep=0.5;',
      '  "x y" [label="p -> q [r] // s"];',
      '  a:out -> "x y":n; // d -> e',
      '  subgraph cluster_1 { label=c; c } /* f -> g */',
      '}',
    ].join('\n');
    await expect(renderSvg(awkward, { maxNodes: 2 })).rejects.toThrow('the graph has 3 nodes');
    expect(texts(await renderSvg(awkward, { maxNodes: 3 }))).toEqual([
      'c',
      'p -> q [r] // s',
      'a',
      'c',
    ]);
  });

  test('bad options are refused with what was wrong', async () => {
    await expect(renderSvg(lGraph(), { maxNodes: 0 })).rejects.toThrow(
      'maxNodes must be a number of nodes, at least 1, got 0',
    );
    await expect(renderSvg(lGraph(), { maxNodes: NaN })).rejects.toThrow('got NaN');
    await expect(renderSvg(42 as never)).rejects.toThrow(
      'renderSvg draws a Value or DOT text, got number',
    );
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

  describe('with a stand-in for Graphviz', () => {
    // A script in place of dot that answers with an SVG saying the arguments it was given.
    let dir: string;
    let fake: string;
    const savedPath = process.env.PATH;
    const fakeDot = (script: string) =>
      fs.writeFileSync(fake, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-dot-'));
      fake = path.join(dir, 'dot');
      fakeDot('/bin/cat > /dev/null\necho "<svg><text>dot $*</text></svg>"');
    });
    afterEach(() => {
      process.env.PATH = savedPath;
      fs.rmSync(dir, { recursive: true });
    });

    test("'dot' and 'auto' run the program given, or the one on PATH", async () => {
      expect(texts(await renderSvg(lGraph(), { renderer: 'dot', dotPath: fake }))).toEqual([
        'dot -Tsvg',
      ]);
      process.env.PATH = dir;
      expect(texts(await renderSvg(lGraph(), { renderer: 'auto' }))).toEqual(['dot -Tsvg']);
      expect(texts(await renderSvg(lGraph(), { renderer: 'dot' }))).toEqual(['dot -Tsvg']);
    });

    test("'auto' draws with WebAssembly when PATH has no dot", async () => {
      fs.rmSync(fake);
      process.env.PATH = dir;
      expect(texts(await renderSvg(lGraph(), { renderer: 'auto' }))).toContain('data -8.0000');
      await expect(renderSvg(lGraph(), { renderer: 'dot' })).rejects.toThrow(
        "renderer 'dot' needs Graphviz's dot program, which was not found on PATH",
      );
    });

    test('a big graph is laid out with limits that keep it fast', async () => {
      let x = new Value(0);
      for (let i = 0; i < 400; i++) x = x + 1;
      expect(texts(await renderSvg(x, { dotPath: fake, renderer: 'dot' }))).toEqual([
        'dot -Tsvg -Gnslimit=0.1 -Gnslimit1=0.1 -Gmclimit=0.1',
      ]);
    });

    test("dot's errors become exceptions, even when it exits with success", async () => {
      fakeDot('echo "Error: syntax error in line 1" >&2\nexit 1');
      await expect(renderSvg('digraph {}', { renderer: 'dot', dotPath: fake })).rejects.toThrow(
        'Graphviz could not draw the graph: syntax error in line 1',
      );
      fakeDot('echo "Warning: x" >&2\necho "Error: bad label format {" >&2\necho "<svg/>"');
      await expect(renderSvg('digraph {}', { renderer: 'dot', dotPath: fake })).rejects.toThrow(
        'Graphviz could not draw the graph: bad label format {',
      );
    });
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
  const [out] = model.forward([new Value(0.5), new Value(-1)]);
  const dot = drawDot(out, { collapse: model, expand: [model.layers[0].neurons[1]] });
  expect(dot).toContain('id="neuron-0"');
  expect(dot).not.toContain('id="neuron-1"');
  expect(dot).toContain('id="neuron-2"');
  expect(dot.match(/label="\*"/g)).toHaveLength(2); // the expanded neuron's two products
});
