/**
 * Draws the seed tutorials' graphs to SVG (NN II, shared/seeds/002): the expression
 * L = (a*b + c) * f, which is -8 with dL/da = -6 and dL/db = 8, and a single tanh neuron
 * after backward, o = tanh(x1*w1 + x2*w2 + b) = 0.7071 with dw1 = 1.0 and dw2 = 0.0.
 *
 *   npx gradscript run examples/graphs.ts [out-folder]
 */
import * as path from 'path';
import { Value, writeSvg } from 'gradscript';

const out = process.argv[2] ?? path.join('out', 'graphs');

async function main(): Promise<void> {
  const a = new Value(4.0, 'a');
  const b = new Value(-3.0, 'b');
  const c = new Value(8.0, 'c');
  const f = new Value(2.0, 'f');
  const d = a * b;
  d.label = 'd';
  const e = d + c;
  e.label = 'e';
  const L = e * f;
  L.label = 'L';
  L.backward();
  console.log(`L = ${L.data}, dL/da = ${a.grad}, dL/db = ${b.grad}`);
  await writeSvg(L, path.join(out, 'expression.svg'));

  // The neuron of micrograd's lecture, with tanh: its bias makes the output exactly 1/sqrt(2).
  const x1 = new Value(2.0, 'x1');
  const x2 = new Value(0.0, 'x2');
  const w1 = new Value(-3.0, 'w1');
  const w2 = new Value(1.0, 'w2');
  const bias = new Value(6.881373587019543, 'b');
  const x1w1 = x1 * w1;
  x1w1.label = 'x1*w1';
  const x2w2 = x2 * w2;
  x2w2.label = 'x2*w2';
  const n = x1w1 + x2w2 + bias;
  n.label = 'n';
  const o = n.tanh();
  o.label = 'o';
  o.backward();
  console.log(
    `o = ${o.data.toFixed(4)}, do/dw1 = ${w1.grad.toFixed(4)}, do/dw2 = ${w2.grad.toFixed(4)}`,
  );
  await writeSvg(o, path.join(out, 'neuron.svg'), { parameters: [w1, w2, bias] });
  console.log(`wrote ${path.join(out, 'expression.svg')} and ${path.join(out, 'neuron.svg')}`);
}

void main();
