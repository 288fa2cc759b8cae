/**
 * The computation graph as Graphviz DOT text, drawn as micrograd's draw_dot draws it: a record
 * per Value (`label | data 0.0000 | grad 0.0000`), a small node per operation, edges from the
 * operands through the operation to its result, left to right. Given the model, every box is
 * named: a Value without a label by what it is in the model, or else by its operation.
 */
import type { Value } from '../engine';
import { OpCode } from '../engine/layout';
import { checkChoice } from '../checks';
import { Layer, MLP, Module, Neuron } from '../nn';

export interface DotOptions {
  /** Left to right (micrograd's way, the default) or top to bottom. */
  rankdir?: 'LR' | 'TB';
  /** Digits after the point for data and grad (4 by default), or a function that formats a number. */
  format?: number | ((x: number) => string);
  /**
   * The model's parameters (or the model): their leaves are coloured apart from the inputs. The
   * model itself also names the Values that have no label (see `collapse`).
   */
  parameters?: Iterable<Value> | Module;
  /**
   * Draws each of this model's neurons as one node, its weights and sum folded inside. The model
   * also names what has no label: in a neuron drawn in full, its weights `w1`…, its bias `b`, its
   * products `w1*x1`… (its i-th weight times its i-th input), their sum `Σ` and its activation
   * (`relu`); any other leaf its kind (`input`, `parameter`); any other result its operation
   * (`+1`, `sum`).
   */
  collapse?: Module;
  /** Neurons to draw in full, weights and all, while the rest stay collapsed. */
  expand?: Iterable<Neuron>;
  /** Draws only the values within this many operations of the root. */
  depth?: number;
}

/** One box of the picture: a Value, or a whole neuron when collapsed. */
interface Box {
  id: string;
  /** The value shown: for a collapsed neuron, its output. */
  value: Value;
  role: 'parameter' | 'input' | 'result' | 'neuron';
  inputs: Set<Box>;
  /** The collapsed neuron drawn as this box. */
  group?: NeuronGroup;
  /** What the box is called: its label, its neuron's name, or what the model says it is. */
  name: string;
  /** The operation drawn beside it ('' for none). */
  op: string;
}

const FILL = { parameter: '#cfe8ff', input: '#eeeeee', result: 'white', neuron: '#fff2cc' };
const RANKDIRS = ['LR', 'TB'] as const;

export function drawDot(root: Value, options: DotOptions = {}): string {
  const rankdir = checkChoice('rankdir', options.rankdir ?? 'LR', RANKDIRS);
  const format = formatter(options.format ?? 4);
  const lines = [
    'digraph gradscript {',
    `  graph [rankdir=${rankdir}];`,
    '  node [shape=record, fontname="Helvetica", fontsize=11];',
  ];
  const styled = options.parameters !== undefined || options.collapse !== undefined;
  for (const box of layout(root, options)) {
    const { value, group } = box;
    const label = `${escapeRecord(box.name)} | data ${format(value.data)} | grad ${format(value.grad)}`;
    const fill = styled ? `, style=filled, fillcolor="${FILL[box.role]}"` : '';
    const id = group ? `, id="neuron-${group.index}"` : '';
    lines.push(`  ${box.id} [label="{ ${label} }"${fill}${id}];`);
    const { op } = box;
    if (op) {
      lines.push(`  ${box.id}_op [label="${escapeText(op)}", shape=ellipse];`);
      lines.push(`  ${box.id}_op -> ${box.id};`);
    }
    for (const input of box.inputs) lines.push(`  ${input.id} -> ${box.id}${op ? '_op' : ''};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** How many boxes `drawDot` would draw for these options: what a renderer's size limit counts. */
export function countBoxes(root: Value, options: DotOptions = {}): number {
  return layout(root, options).length;
}

/** The boxes to draw, children before parents, with ids numbered in that order. */
function layout(root: Value, options: DotOptions): Box[] {
  const parameters = new Set(
    options.parameters instanceof Module
      ? options.parameters.parameters()
      : (options.parameters ?? []),
  );
  const { order, operandsOf } = drawnGraph(root);
  const kept =
    options.depth === undefined ? undefined : withinDepth(root, options.depth, operandsOf);
  const model =
    options.collapse ?? (options.parameters instanceof Module ? options.parameters : undefined);
  const neurons = model ? neuronsIn(order, operandsOf, model) : [];
  const expanded = new Set(options.expand);
  const groupOf = new Map<Value, NeuronGroup>();
  if (options.collapse) {
    for (const group of neurons.filter((g) => !expanded.has(g.neuron)))
      for (const member of group.members) groupOf.set(member, group);
  }
  const nameOf = model ? namesIn(neurons) : new Map<Value, string>();

  const boxes: Box[] = [];
  const boxOf = new Map<Value | NeuronGroup, Box>();
  for (const value of order) {
    if (kept && !kept.has(value)) continue;
    const group = groupOf.get(value);
    // A neuron's box stands where its output would; its other values are folded inside.
    if (group && value !== group.output) continue;
    const operands = operandsOf(value);
    const role = group
      ? 'neuron'
      : operands.length > 0
        ? 'result'
        : parameters.has(value)
          ? 'parameter'
          : 'input';
    const name = group
      ? group.neuron.toString()
      : value.label || (model ? (nameOf.get(value) ?? (role === 'result' ? value.op : role)) : '');
    const op = group ? '' : value.code === OpCode.WeightedSum ? 'sum' : value.op;
    const box: Box = { id: `n${boxes.length}`, value, role, inputs: new Set(), group, name, op };
    boxes.push(box);
    boxOf.set(group ?? value, box);
  }
  // Wire each box to the boxes of its operands: a neuron's operands are the inputs of its
  // products, and a value folded into a neuron (a weight used again by a penalty) is drawn by it.
  for (const box of boxes) {
    for (const operand of box.group ? box.group.inputs : operandsOf(box.value)) {
      const from = boxOf.get(groupOf.get(operand) ?? operand);
      if (from && from !== box) box.inputs.add(from);
    }
  }
  return boxes;
}

/**
 * The graph as drawn, children before parents, and each value's operands in it. A weighted sum
 * (Value.weightedSum: a neuron's, one node in the engine) is drawn as micrograd's graph has it,
 * a `sum` over the bias and a product per weight. The products are made for the picture, by
 * the engine's own `mul` of the same operands, and hold the sum's gradient, which is each
 * product's: the values the graph without the fusion would show.
 */
function drawnGraph(root: Value): {
  order: Value[];
  operandsOf: (value: Value) => readonly Value[];
} {
  const drawnOperands = new Map<Value, Value[]>();
  const sorted = root.topologicalOrder();
  for (const value of sorted) {
    if (value.code !== OpCode.WeightedSum) continue;
    const [bias, ...pairs] = value.operand as (Value | number)[];
    const products: Value[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      const product = (pairs[i] as Value).mul(pairs[i + 1]);
      product.grad = value.grad;
      products.push(product);
    }
    drawnOperands.set(value, [bias as Value, ...products]);
  }
  const operandsOf = (value: Value) => drawnOperands.get(value) ?? value.children;
  if (drawnOperands.size === 0) return { order: sorted, operandsOf };
  // Sorted again, as the engine sorts, so that each product comes right after its operands.
  const order: Value[] = [];
  const placed = new Set<Value>([root]);
  const visit = (value: Value) => ({ value, operands: operandsOf(value), next: 0 });
  const path = [visit(root)];
  while (path.length > 0) {
    const top = path[path.length - 1];
    if (top.next === top.operands.length) {
      order.push(top.value);
      path.pop();
    } else {
      const operand = top.operands[top.next++];
      if (placed.has(operand)) continue;
      placed.add(operand);
      path.push(visit(operand));
    }
  }
  return { order, operandsOf };
}

/** The values reachable from the root in at most `depth` operations. */
function withinDepth(
  root: Value,
  depth: number,
  operandsOf: (value: Value) => readonly Value[],
): Set<Value> {
  if (!Number.isInteger(depth) || depth < 0)
    throw new Error(`depth must be a whole number of levels, got ${depth}`);
  const kept = new Set<Value>([root]);
  let frontier = [root];
  for (let level = 0; level < depth; level++) {
    const next: Value[] = [];
    for (const child of frontier.flatMap(operandsOf)) {
      if (kept.has(child)) continue;
      kept.add(child);
      next.push(child);
    }
    frontier = next;
  }
  return kept;
}

/** One neuron's part of the graph: one call of its forward. */
interface NeuronGroup {
  neuron: Neuron;
  index: number;
  /** Its bias plus its products. */
  sum: Value;
  /** Each weight times its input, in the order of the weights. */
  products: readonly Value[];
  /** The activation applied to the sum; the sum itself for a linear neuron. */
  output: Value;
  /** The values the neuron read: its products' operands other than its weights. */
  inputs: Value[];
  /** Every value drawn inside it when collapsed: its sum, output, bias, products and weights. */
  members: Value[];
}

/**
 * Finds each neuron's part of the drawn graph: the weighted sum whose bias is the neuron's (as
 * Neuron.forward builds it), the products of its weights, and the activation applied to the sum.
 */
function neuronsIn(
  order: readonly Value[],
  operandsOf: (value: Value) => readonly Value[],
  model: Module,
): NeuronGroup[] {
  const neuronByBias = new Map<Value, Neuron>();
  const indexOf = new Map<Neuron, number>();
  collectNeurons(model).forEach((n, i) => {
    indexOf.set(n, i);
    neuronByBias.set(n.b, n);
  });
  const parents = new Map<Value, Value[]>();
  for (const v of order) {
    for (const c of operandsOf(v)) {
      const known = parents.get(c);
      if (known) known.push(v);
      else parents.set(c, [v]);
    }
  }

  const groups: NeuronGroup[] = [];
  for (const sum of order) {
    const neuron =
      sum.code === OpCode.WeightedSum ? neuronByBias.get(operandsOf(sum)[0]) : undefined;
    if (!neuron) continue;
    const weights = new Set<Value>(neuron.w);
    const products = operandsOf(sum).slice(1);
    const activation = parents
      .get(sum)
      ?.find((p) => p.op === neuron.activation && operandsOf(p).length === 1);
    const output = neuron.activation === 'linear' || !activation ? sum : activation;
    const inputs = products.flatMap((p) => p.children.filter((c) => !weights.has(c)));
    const members = [sum, output, neuron.b, ...products, ...weights];
    groups.push({ neuron, index: indexOf.get(neuron)!, sum, products, output, inputs, members });
  }
  return groups;
}

/** What each value of the neurons is: `w1`…, `b`, `w1*x1`…, `Σ`, and the activation's name. */
function namesIn(neurons: readonly NeuronGroup[]): Map<Value, string> {
  const names = new Map<Value, string>();
  for (const { neuron, sum, products, output } of neurons) {
    neuron.w.forEach((w, i) => names.set(w, `w${i + 1}`));
    names.set(neuron.b, 'b');
    products.forEach((product, i) => names.set(product, `w${i + 1}*x${i + 1}`));
    names.set(sum, 'Σ');
    if (output !== sum) names.set(output, neuron.activation);
  }
  return names;
}

/** The model's neurons, layer by layer: what a neuron's index counts. */
export function collectNeurons(model: Module): Neuron[] {
  if (model instanceof Neuron) return [model];
  if (model instanceof Layer) return model.neurons;
  if (model instanceof MLP) return model.layers.flatMap((layer) => layer.neurons);
  return [];
}

function formatter(format: number | ((x: number) => string)): (x: number) => string {
  if (typeof format === 'function') return (x) => escapeRecord(format(x));
  if (!Number.isInteger(format) || format < 0 || format > 20) {
    throw new Error(`format must be a number of digits from 0 to 20 or a function, got ${format}`);
  }
  return (x) => escapeRecord(x.toFixed(format));
}

/** Escapes text for a record label: backslash first, then quotes, record syntax and line breaks. */
export function escapeRecord(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/[{}|<>]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, '\\n');
}

/** Escapes text for an ordinary quoted label. */
function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n');
}
