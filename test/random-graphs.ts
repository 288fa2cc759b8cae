/**
 * Random expression DAGs for property-based tests (shared subexpressions, every op), and an
 * evaluator of them by forward-mode dual numbers, written independently of the engine.
 */
import * as fc from 'fast-check';
import { Value } from '../src';

/** A node of a random graph: an op applied to earlier nodes (by index) and maybe a constant. */
export type Step =
  | { op: 'add' | 'sub' | 'mul' | 'div' | 'powValue'; a: number; b: number }
  | { op: 'pow'; a: number; k: number }
  | { op: 'radd' | 'rsub' | 'rmul' | 'rdiv' | 'rpow'; a: number; k: number }
  | { op: 'neg' | 'relu' | 'tanh' | 'sigmoid' | 'exp' | 'log'; a: number }
  | { op: 'sum'; terms: number[] }
  | { op: 'weightedSum'; bias: number; pairs: Pair[] };

/** A weight (a node) times an input: a node, or the number k. */
export type Pair = { w: number; x: number } | { w: number; k: number };

export interface Graph {
  inputs: number[];
  steps: Step[];
}

/** Dual numbers: a value and its derivative along one input. */
interface Dual {
  v: number;
  d: number;
}

/** Each op's forward value and derivative, written independently of the engine. */
function dual(step: Step, at: (i: number) => Dual): Dual {
  switch (step.op) {
    case 'add': {
      const [x, y] = [at(step.a), at(step.b)];
      return { v: x.v + y.v, d: x.d + y.d };
    }
    case 'sub': {
      const [x, y] = [at(step.a), at(step.b)];
      return { v: x.v - y.v, d: x.d - y.d };
    }
    case 'mul': {
      const [x, y] = [at(step.a), at(step.b)];
      return { v: x.v * y.v, d: x.d * y.v + x.v * y.d };
    }
    case 'div': {
      const [x, y] = [at(step.a), at(step.b)];
      return { v: x.v / y.v, d: (x.d * y.v - x.v * y.d) / (y.v * y.v) };
    }
    case 'powValue': {
      const [x, y] = [at(step.a), at(step.b)];
      const v = Math.pow(x.v, y.v);
      return { v, d: v * (y.d * Math.log(x.v) + (y.v * x.d) / x.v) };
    }
    case 'pow': {
      const x = at(step.a);
      return { v: Math.pow(x.v, step.k), d: step.k * Math.pow(x.v, step.k - 1) * x.d };
    }
    case 'radd': {
      const x = at(step.a);
      return { v: step.k + x.v, d: x.d };
    }
    case 'rsub': {
      const x = at(step.a);
      return { v: step.k - x.v, d: -x.d };
    }
    case 'rmul': {
      const x = at(step.a);
      return { v: step.k * x.v, d: step.k * x.d };
    }
    case 'rdiv': {
      const x = at(step.a);
      return { v: step.k / x.v, d: (-step.k * x.d) / (x.v * x.v) };
    }
    case 'rpow': {
      const x = at(step.a);
      const v = Math.pow(step.k, x.v);
      return { v, d: v * Math.log(step.k) * x.d };
    }
    case 'neg': {
      const x = at(step.a);
      return { v: -x.v, d: -x.d };
    }
    case 'relu': {
      const x = at(step.a);
      return x.v > 0 ? x : { v: 0, d: 0 };
    }
    case 'tanh': {
      const x = at(step.a);
      const t = Math.tanh(x.v);
      return { v: t, d: (1 - t * t) * x.d };
    }
    case 'sigmoid': {
      const x = at(step.a);
      const s = 1 / (1 + Math.exp(-x.v));
      return { v: s, d: s * (1 - s) * x.d };
    }
    case 'exp': {
      const x = at(step.a);
      const e = Math.exp(x.v);
      return { v: e, d: e * x.d };
    }
    case 'log': {
      const x = at(step.a);
      return { v: Math.log(x.v), d: x.d / x.v };
    }
    case 'sum':
      return step.terms.map(at).reduce((s, x) => ({ v: s.v + x.v, d: s.d + x.d }), { v: 0, d: 0 });
    case 'weightedSum':
      return step.pairs.reduce((s, pair) => {
        const w = at(pair.w);
        const x = 'k' in pair ? { v: pair.k, d: 0 } : at(pair.x);
        return { v: s.v + w.v * x.v, d: s.d + w.d * x.v + w.v * x.d };
      }, at(step.bias));
  }
}

/** The same graph built from Values. */
export function build(graph: Graph, leaves: Value[]): Value[] {
  const nodes: Value[] = [...leaves];
  for (const step of graph.steps) {
    const at = (i: number) => nodes[i];
    switch (step.op) {
      case 'add':
      case 'sub':
      case 'mul':
      case 'div':
        nodes.push(at(step.a)[step.op](at(step.b)));
        break;
      case 'powValue':
        nodes.push(at(step.a).pow(at(step.b)));
        break;
      case 'pow':
      case 'radd':
      case 'rsub':
      case 'rmul':
      case 'rdiv':
      case 'rpow':
        nodes.push(at(step.a)[step.op](step.k));
        break;
      case 'sum':
        nodes.push(Value.sum(step.terms.map(at)));
        break;
      case 'weightedSum':
        nodes.push(
          Value.weightedSum(
            at(step.bias),
            step.pairs.map((pair) => at(pair.w)),
            step.pairs.map((pair) => ('k' in pair ? pair.k : at(pair.x))),
          ),
        );
        break;
      default:
        nodes.push(at(step.a)[step.op]());
    }
  }
  return nodes;
}

/** The output's value and its derivative along input `along` (or none), by dual numbers. */
export function forward(graph: Graph, inputs: number[], along = -1): { nodes: Dual[]; out: Dual } {
  const nodes: Dual[] = inputs.map((v, i) => ({ v, d: i === along ? 1 : 0 }));
  for (const step of graph.steps) nodes.push(dual(step, (i) => nodes[i]));
  return { nodes, out: nodes[nodes.length - 1] };
}

/**
 * True when every node stays inside its op's domain, away from kinks, and of moderate size,
 * so that finite differences mean something.
 */
function wellBehaved(graph: Graph): boolean {
  const { nodes } = forward(graph, graph.inputs);
  const value = (i: number) => nodes[i].v;
  if (nodes.some((n) => !Number.isFinite(n.v) || Math.abs(n.v) > 1e4)) return false;
  return graph.steps.every((step) => {
    switch (step.op) {
      case 'div':
        return Math.abs(value(step.b)) > 0.1;
      case 'powValue':
        return value(step.a) > 0.1 && Math.abs(value(step.b)) < 4;
      case 'pow':
        return Number.isInteger(step.k) ? Math.abs(value(step.a)) > 0.1 : value(step.a) > 0.1;
      case 'rdiv':
        return Math.abs(value(step.a)) > 0.1;
      case 'log':
        return value(step.a) > 0.1;
      case 'relu':
        return Math.abs(value(step.a)) > 1e-3;
      case 'exp':
      case 'rpow':
        return value(step.a) < 5;
      default:
        return true;
    }
  });
}

export const graphs: fc.Arbitrary<Graph> = fc
  .tuple(
    fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 4 }),
    fc.nat(12),
  )
  .chain(([inputs, length]) => {
    const steps: fc.Arbitrary<Step>[] = [];
    for (let s = 0; s < length + 1; s++) {
      const available = inputs.length + s;
      const index = fc.nat(available - 1);
      steps.push(
        fc.oneof(
          fc.record({
            op: fc.constantFrom('add', 'sub', 'mul', 'div', 'powValue' as const),
            a: index,
            b: index,
          }),
          fc.record({
            op: fc.constant('pow' as const),
            a: index,
            k: fc.constantFrom(2, 3, 0.5, -1, 1.5),
          }),
          fc.record({
            op: fc.constantFrom('radd', 'rsub', 'rmul', 'rdiv', 'rpow' as const),
            a: index,
            k: fc.constantFrom(2, 0.5, 3),
          }),
          fc.record({
            op: fc.constantFrom('neg', 'relu', 'tanh', 'sigmoid', 'exp', 'log' as const),
            a: index,
          }),
          fc.record({
            op: fc.constant('sum' as const),
            terms: fc.array(index, { minLength: 1, maxLength: 4 }),
          }),
          // Any node may be a weight, an input, or both, more than once: the shapes where the
          // order of gradient writes matters.
          fc.record({
            op: fc.constant('weightedSum' as const),
            bias: index,
            pairs: fc.array(
              fc.oneof(
                fc.record({ w: index, x: index }),
                fc.record({ w: index, k: fc.constantFrom(2, -0.5, 0) }),
              ),
              { maxLength: 4 },
            ),
          }),
        ) as fc.Arbitrary<Step>,
      );
    }
    return fc.tuple(...steps).map((s) => ({ inputs, steps: s }));
  })
  .filter(wellBehaved);
