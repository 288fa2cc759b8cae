/**
 * A Tape records one graph's shape once and replays it: forward from the leaves' current data,
 * backward into the leaves' gradients, over flat typed arrays instead of a fresh graph of
 * objects and closures each step. A tape replays one fixed graph shape: the same operations
 * on the same leaves. Data-dependent ops (relu) are recomputed each replay, so they follow the
 * new data; code that would build a different graph for other data (an `if` on a value) needs
 * a new recording.
 */
import type { Value } from './engine';

const enum Op {
  Leaf,
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  PowConstant,
  Neg,
  Relu,
  Tanh,
  Sigmoid,
  Exp,
  Log,
  Sum,
}

const OPS: Record<string, Op> = {
  '+': Op.Add,
  '-': Op.Sub,
  '*': Op.Mul,
  '/': Op.Div,
  '**': Op.Pow,
  neg: Op.Neg,
  relu: Op.Relu,
  tanh: Op.Tanh,
  sigmoid: Op.Sigmoid,
  exp: Op.Exp,
  log: Op.Log,
  sum: Op.Sum,
};

export class Tape {
  private readonly ops: Uint8Array;
  /** Node i's operands are operands[first[i] .. first[i + 1]). */
  private readonly first: Int32Array;
  private readonly operands: Int32Array;
  /** The exponent of each `**k` node. */
  private readonly constants: Float64Array;
  private readonly data: Float64Array;
  private readonly grad: Float64Array;
  /** The leaves, by node index; interior nodes have none. */
  private readonly leaves: (Value | undefined)[];
  private readonly index = new Map<Value, number>();

  private constructor(private readonly output: Value) {
    const order = output.topologicalOrder();
    const index = this.index;
    order.forEach((v, i) => index.set(v, i));
    const n = order.length;
    this.ops = new Uint8Array(n);
    this.first = new Int32Array(n + 1);
    this.constants = new Float64Array(n);
    this.data = new Float64Array(n);
    this.grad = new Float64Array(n);
    this.leaves = new Array(n);
    const operands: number[] = [];
    order.forEach((v, i) => {
      this.first[i] = operands.length;
      if (v.children.length === 0) {
        this.ops[i] = Op.Leaf;
        this.leaves[i] = v;
        return;
      }
      const op = v.op.startsWith('**') && v.op.length > 2 ? Op.PowConstant : OPS[v.op];
      if (op === undefined) throw new Error(`Tape cannot record the operation '${v.op}'`);
      if (op === Op.PowConstant) this.constants[i] = Number(v.op.slice(2));
      this.ops[i] = op;
      for (const child of v.children) operands.push(index.get(child)!);
    });
    this.first[n] = operands.length;
    this.operands = Int32Array.from(operands);
  }

  /** Records the graph that `output` ends, as it is now. */
  static record(output: Value): Tape {
    return new Tape(output);
  }

  /** A recorded node's data as of the last forward(): the Value objects themselves keep what they had when recorded. */
  read(node: Value): number {
    const i = this.index.get(node);
    if (i === undefined) throw new Error('that Value is not part of this tape');
    return this.data[i];
  }

  /** Recomputes every node from the leaves' current data; returns the output's new data. */
  forward(): number {
    const { ops, first, operands, constants, data, leaves } = this;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (op === Op.Leaf) {
        data[i] = leaves[i]!.data;
        continue;
      }
      const a = data[operands[first[i]]];
      const b = op <= Op.Pow ? data[operands[first[i] + 1]] : 0;
      switch (op) {
        case Op.Add:
          data[i] = a + b;
          break;
        case Op.Sub:
          data[i] = a - b;
          break;
        case Op.Mul:
          data[i] = a * b;
          break;
        case Op.Div:
          data[i] = a / b;
          break;
        case Op.Pow:
          data[i] = a ** b;
          break;
        case Op.PowConstant:
          data[i] = a ** constants[i];
          break;
        case Op.Neg:
          data[i] = -a;
          break;
        case Op.Relu:
          data[i] = a > 0 ? a : 0;
          break;
        case Op.Tanh:
          data[i] = Math.tanh(a);
          break;
        case Op.Sigmoid:
          data[i] = a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
          break;
        case Op.Exp:
          data[i] = Math.exp(a);
          break;
        case Op.Log:
          data[i] = Math.log(a);
          break;
        case Op.Sum: {
          let total = 0;
          for (let k = first[i]; k < first[i + 1]; k++) total += data[operands[k]];
          data[i] = total;
          break;
        }
      }
    }
    this.output.data = data[ops.length - 1];
    return this.output.data;
  }

  /**
   * Backpropagates from the output, as output.backward() would: interior gradients start from
   * zero, and each leaf's gradient is added to its Value's grad.
   */
  backward(): void {
    const { ops, first, operands, constants, data, grad, leaves } = this;
    const last = ops.length - 1;
    grad.fill(0);
    grad[last] = 1;
    for (let i = last; i >= 0; i--) {
      const g = grad[i];
      const ia = operands[first[i]];
      const ib = operands[first[i] + 1];
      switch (ops[i]) {
        case Op.Leaf:
          leaves[i]!.grad += g;
          break;
        case Op.Add:
          grad[ia] += g;
          grad[ib] += g;
          break;
        case Op.Sub:
          grad[ia] += g;
          grad[ib] -= g;
          break;
        case Op.Mul:
          grad[ia] += data[ib] * g;
          grad[ib] += data[ia] * g;
          break;
        case Op.Div:
          grad[ia] += g / data[ib];
          grad[ib] -= (data[i] / data[ib]) * g;
          break;
        case Op.Pow:
          grad[ia] += data[ib] * data[ia] ** (data[ib] - 1) * g;
          grad[ib] += (data[i] === 0 ? 0 : data[i] * Math.log(data[ia])) * g;
          break;
        case Op.PowConstant: {
          const k = constants[i];
          if (k !== 0) grad[ia] += k * data[ia] ** (k - 1) * g;
          break;
        }
        case Op.Neg:
          grad[ia] -= g;
          break;
        case Op.Relu:
          if (data[i] > 0) grad[ia] += g;
          break;
        case Op.Tanh:
          grad[ia] += (1 - data[i] * data[i]) * g;
          break;
        case Op.Sigmoid:
          grad[ia] += data[i] * (1 - data[i]) * g;
          break;
        case Op.Exp:
          grad[ia] += data[i] * g;
          break;
        case Op.Log:
          grad[ia] += g / data[ia];
          break;
        case Op.Sum:
          for (let k = first[i]; k < first[i + 1]; k++) grad[operands[k]] += g;
          break;
      }
    }
  }
}
