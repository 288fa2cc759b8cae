/**
 * The scalar autograd engine: one `Value` class in the spirit of micrograd's engine.py.
 * Every operation computes its result and, right beside it, the `_backward` function that
 * pushes the result's gradient into its operands by the chain rule. `backward()` runs those
 * functions from the output down.
 *
 * Read a node through `data`, `grad`, `op`, `label`, `children` and `_backward`. How a node is
 * stored below them is in engine/layout.ts, and the order backward runs in, in engine/sweep.ts;
 * both are there for speed. Two more choices here are for speed too:
 * - `_backward` is not a fresh closure per node but one function per operation, called on the
 *   node (`this`).
 * - The operands sit in two fields, `operand` and `other`, not in an array per node (`children`
 *   builds one when asked); a number operand (`x * 2`) stays a number, not a leaf Value. A
 *   neuron's weighted sum is one node (`Value.weightedSum`), not a product node per weight and
 *   a sum: most of a network's graph is these.
 */
import { Block, blockForNext, OpCode, SLOT, SYMBOLS } from './engine/layout';
import { sweep } from './engine/sweep';
import { sigmoid } from './math';

// gradscript's own modules import OpCode from engine/layout.ts: a re-export compiles to a getter,
// which the Tape's recording loops called on every use (a tenth of a recording's time).
export { OpCode } from './engine/layout';

type Backward = (this: Value) => void;

const NO_CHILDREN: readonly Value[] = Object.freeze([]);

/** The labels given to nodes; most nodes have none, and should not pay a field for it. */
const labels = new WeakMap<Value, string>();

export class Value {
  /** Where the node's numbers are. @internal */
  readonly block: Block;
  /**
   * The order nodes are made in: a node is made after its operands, so every operand's id is
   * smaller than its user's, and a graph's nodes by id are in topological order. The node's
   * slot in its block is the id's last bits. @internal
   */
  readonly id: number;
  /** The first (or only) operand; for a sum or a custom operation, the list of operands. @internal */
  operand: Value | readonly (Value | number)[] | null;
  /**
   * The second operand, unless it is a number (in the block): a Value, or a custom operation's
   * name. Read directly where the operation is known to have a Value there (a two-Value
   * operation's backward, the sweep): `other` would first read the code to know. @internal
   */
  second: Value | string | null;

  /**
   * A leaf, or, with `children`, a node of your own operation: `backward` must add this node's
   * gradient times the local derivatives into `this.children`' gradients.
   */
  constructor(
    data: number,
    label = '',
    children: readonly Value[] = NO_CHILDREN,
    op = '',
    backward: Backward = noop,
  ) {
    if (typeof data !== 'number') {
      throw new TypeError(`Value data must be a number, got ${describe(data)}`);
    }
    const block = blockForNext();
    this.block = block;
    this.id = block.first + block.used++;
    this.operand = null;
    this.second = null;
    block.data[this.id & SLOT] = data;
    if (label !== '') labels.set(this, label);
    if (children.length > 0 || op !== '') {
      this.code = OpCode.Custom;
      this.operand = children.map(checkValue); // a copy: the caller's array may change later
      this.other = op;
      if (backward !== noop) this._backward = backward;
    }
  }

  get data(): number {
    return this.block.data[this.id & SLOT];
  }
  set data(data: number) {
    this.block.data[this.id & SLOT] = data;
  }

  get grad(): number {
    return this.block.grad[this.id & SLOT];
  }
  set grad(grad: number) {
    this.block.grad[this.id & SLOT] = grad;
  }

  /** The operation that made this node. @internal */
  get code(): OpCode {
    return this.block.code[this.id & SLOT];
  }
  /** @internal */
  set code(code: OpCode) {
    this.block.code[this.id & SLOT] = code;
  }

  /** The second operand: a Value, a number constant, or a custom operation's name. @internal */
  get other(): Value | number | string | null {
    const code = this.code;
    if (code >= OpCode.AddConstant && code <= OpCode.ConstantPow) {
      return this.block.constant[this.id & SLOT];
    }
    return this.second;
  }
  /** @internal */
  set other(other: Value | number | string | null) {
    if (typeof other === 'number') this.block.constant[this.id & SLOT] = other;
    else this.second = other;
  }

  /** Scratch space for code that numbers a graph's nodes (a Tape recording, grad). @internal */
  get mark(): number {
    return this.block.mark[this.id & SLOT];
  }
  /** @internal */
  set mark(mark: number) {
    this.block.mark[this.id & SLOT] = mark;
  }

  get label(): string {
    return labels.get(this) ?? '';
  }
  set label(label: string) {
    labels.set(this, label);
  }

  /** The operation, as micrograd names it: `'+'`, `'tanh'`, `'*2'` (times the constant 2)…; `''` for a leaf. */
  get op(): string {
    const code = this.code;
    if (code === OpCode.Custom) return this.other as string;
    const symbol = SYMBOLS[code];
    if (code < OpCode.AddConstant || code > OpCode.ConstantPow) return symbol;
    // The constant shows on its side of the operator: `x * 2` is `*2`, `2 - x` is `2-`.
    const k = String(this.other);
    const before =
      code === OpCode.ConstantSub || code === OpCode.ConstantDiv || code === OpCode.ConstantPow;
    return before ? k + symbol : symbol + k;
  }

  /** The Value operands, in order. Built on each read: a node's operands never change. */
  get children(): readonly Value[] {
    const { code, operand, other } = this;
    if (code === OpCode.Leaf) return NO_CHILDREN;
    if (code >= OpCode.Sum) return (operand as (Value | number)[]).filter(isValue);
    if (code >= OpCode.Add) return [operand as Value, other as Value];
    return [operand as Value];
  }
  set children(_: readonly Value[]) {
    throw new TypeError(
      "a Value's children cannot be changed: its data and gradient depend on them; build a new Value instead",
    );
  }

  /**
   * The operands with the number constants that `children` leaves out, for code that reads an
   * operation (grad): `[a, b]`; `[a]`; `[a, k]` for an operation with the constant k, whichever
   * side of it k is on (the code says: `k - a` is ConstantSub); a sum's terms; a weighted sum's
   * bias, then each weight followed by its input.
   * @internal
   */
  get operands(): readonly (Value | number)[] {
    const { code, operand, other } = this;
    if (code === OpCode.Leaf) return NO_CHILDREN;
    if (code >= OpCode.Sum) return operand as readonly (Value | number)[];
    if (code >= OpCode.AddConstant) return [operand as Value, other as Value | number];
    return [operand as Value];
  }

  /** Adds this node's gradient, times the local derivatives, into its children's gradients. */
  get _backward(): Backward {
    return Value.backwardByCode[this.code];
  }
  /** A node may be given a backward of its own (detectAnomaly wraps each one with checks). */
  set _backward(backward: Backward) {
    Object.defineProperty(this, '_backward', { value: backward, writable: true });
  }

  /** Wraps a number as a leaf; a Value is returned as it is. */
  static from(x: Value | number): Value {
    if (typeof x === 'number') return new Value(x);
    return checkValue(x);
  }

  /**
   * The sum of many values as one node, added left to right from 0. Any iterable will do, as
   * for Python's sum(): `Value.sum(w.map((wi, i) => wi * x[i]))`, a Set, a generator.
   */
  static sum(terms: Iterable<Value | number>): Value {
    // An array is copied as it is (the common case, and the fastest); any other iterable is read once.
    let list: (Value | number)[];
    if (Array.isArray(terms)) list = (terms as readonly (Value | number)[]).slice();
    else if (terms != null && typeof terms[Symbol.iterator] === 'function')
      list = Array.from(terms);
    else {
      throw new TypeError(
        `Value.sum takes an array or other iterable of Values and numbers, got ${describe(terms)}`,
      );
    }
    let total = 0;
    for (const term of list) total += typeof term === 'number' ? term : checkValue(term).data;
    return make(total, OpCode.Sum, list, null);
  }
  private static sumBackward(this: Value): void {
    for (const term of this.operand as (Value | number)[]) {
      if (typeof term !== 'number') term.grad += this.grad;
    }
  }

  /**
   * A neuron's weighted sum, `bias + weights[0] * inputs[0] + weights[1] * inputs[1] + …`, as one
   * node instead of a product node per weight and a sum: the same result, added in the same
   * order as `Value.sum([bias, ...products])`, and the same gradients. Its operands are kept as
   * one list: the bias, then each weight followed by its input.
   */
  static weightedSum(
    bias: Value,
    weights: readonly Value[],
    inputs: readonly (Value | number)[],
  ): Value {
    if (weights.length !== inputs.length) {
      throw new RangeError(
        `a weighted sum needs one input per weight: got ${weights.length} weights and ${inputs.length} inputs`,
      );
    }
    const list = new Array<Value | number>(1 + 2 * weights.length);
    list[0] = bias;
    let total = 0;
    total += checkParameter(bias, -1).data;
    for (let i = 0; i < weights.length; i++) {
      const w = checkParameter(weights[i], i);
      const x = inputs[i];
      total += w.data * (typeof x === 'number' ? x : checkValue(x).data);
      list[1 + 2 * i] = w;
      list[2 + 2 * i] = x;
    }
    return make(total, OpCode.WeightedSum, list, null);
  }
  private static weightedSumBackward(this: Value): void {
    // Each product passes the sum's gradient on as its own backward would, in the weights' order.
    const list = this.operand as (Value | number)[];
    const g = this.grad;
    (list[0] as Value).grad += g;
    for (let i = 1; i < list.length; i += 2) {
      const w = list[i] as Value;
      const x = list[i + 1];
      if (typeof x === 'number') {
        w.grad += x * g;
      } else {
        w.grad += x.data * g;
        x.grad += w.data * g;
      }
    }
  }

  add(other: Value | number): Value {
    if (typeof other === 'number') return make(this.data + other, OpCode.AddConstant, this, other);
    return make(this.data + checkValue(other).data, OpCode.Add, this, other);
  }
  private static addBackward(this: Value): void {
    (this.operand as Value).grad += this.grad;
    (this.second as Value).grad += this.grad;
  }
  private static addConstantBackward(this: Value): void {
    (this.operand as Value).grad += this.grad;
  }

  sub(other: Value | number): Value {
    if (typeof other === 'number') return make(this.data - other, OpCode.SubConstant, this, other);
    return make(this.data - checkValue(other).data, OpCode.Sub, this, other);
  }
  private static subBackward(this: Value): void {
    (this.operand as Value).grad += this.grad;
    (this.second as Value).grad -= this.grad;
  }
  private static subConstantBackward(this: Value): void {
    (this.operand as Value).grad += this.grad;
  }

  mul(other: Value | number): Value {
    if (typeof other === 'number') return make(this.data * other, OpCode.MulConstant, this, other);
    return make(this.data * checkValue(other).data, OpCode.Mul, this, other);
  }
  private static mulBackward(this: Value): void {
    const a = this.operand as Value;
    const b = this.second as Value;
    a.grad += b.data * this.grad;
    b.grad += a.data * this.grad;
  }
  private static mulConstantBackward(this: Value): void {
    (this.operand as Value).grad += (this.other as number) * this.grad;
  }

  div(other: Value | number): Value {
    if (typeof other === 'number') return make(this.data / other, OpCode.DivConstant, this, other);
    return make(this.data / checkValue(other).data, OpCode.Div, this, other);
  }
  private static divBackward(this: Value): void {
    const a = this.operand as Value;
    const b = this.second as Value;
    a.grad += this.grad / b.data;
    b.grad -= (this.data / b.data) * this.grad;
  }
  private static divConstantBackward(this: Value): void {
    (this.operand as Value).grad += this.grad / (this.other as number);
  }

  /** `this ** exponent`. A number exponent is a constant (micrograd's `**k` node); a Value one gets a gradient too. */
  pow(exponent: Value | number): Value {
    if (typeof exponent === 'number') {
      return make(this.data ** exponent, OpCode.PowConstant, this, exponent);
    }
    return make(this.data ** checkValue(exponent).data, OpCode.Pow, this, exponent);
  }
  private static powBackward(this: Value): void {
    const a = this.operand as Value;
    const e = this.second as Value;
    a.grad += e.data * a.data ** (e.data - 1) * this.grad;
    // d(a^e)/de = a^e ln a, defined for a > 0 (and taken as 0 where a^e is 0, as PyTorch does).
    e.grad += (this.data === 0 ? 0 : this.data * Math.log(a.data)) * this.grad;
  }
  private static powConstantBackward(this: Value): void {
    const a = this.operand as Value;
    const k = this.other as number;
    if (k !== 0) a.grad += k * a.data ** (k - 1) * this.grad; // x**0 is constant, even at 0
  }

  neg(): Value {
    return make(-this.data, OpCode.Neg, this, null);
  }
  private static negBackward(this: Value): void {
    (this.operand as Value).grad -= this.grad;
  }

  // The reverse forms compute `other ∘ this`: the transformer turns `2 - x` into `x.rsub(2)`.
  radd(other: Value | number): Value {
    if (typeof other === 'number') return make(other + this.data, OpCode.AddConstant, this, other);
    return checkValue(other).add(this);
  }

  rsub(other: Value | number): Value {
    if (typeof other === 'number') return make(other - this.data, OpCode.ConstantSub, this, other);
    return checkValue(other).sub(this);
  }
  private static constantSubBackward(this: Value): void {
    (this.operand as Value).grad -= this.grad;
  }

  rmul(other: Value | number): Value {
    if (typeof other === 'number') return make(other * this.data, OpCode.MulConstant, this, other);
    return checkValue(other).mul(this);
  }

  rdiv(other: Value | number): Value {
    if (typeof other === 'number') return make(other / this.data, OpCode.ConstantDiv, this, other);
    return checkValue(other).div(this);
  }
  private static constantDivBackward(this: Value): void {
    const b = this.operand as Value;
    b.grad -= (this.data / b.data) * this.grad;
  }

  rpow(other: Value | number): Value {
    if (typeof other === 'number') return make(other ** this.data, OpCode.ConstantPow, this, other);
    return checkValue(other).pow(this);
  }
  private static constantPowBackward(this: Value): void {
    const e = this.operand as Value;
    // d(k^e)/de = k^e ln k, taken as 0 where k^e is 0, as for a Value base.
    e.grad += (this.data === 0 ? 0 : this.data * Math.log(this.other as number)) * this.grad;
  }

  relu(): Value {
    return make(this.data > 0 ? this.data : 0, OpCode.Relu, this, null);
  }
  private static reluBackward(this: Value): void {
    if (this.data > 0) (this.operand as Value).grad += this.grad;
  }

  tanh(): Value {
    // Math.tanh saturates to ±1 instead of overflowing.
    return make(Math.tanh(this.data), OpCode.Tanh, this, null);
  }
  private static tanhBackward(this: Value): void {
    (this.operand as Value).grad += (1 - this.data * this.data) * this.grad;
  }

  sigmoid(): Value {
    return make(sigmoid(this.data), OpCode.Sigmoid, this, null); // math.ts: neither branch overflows
  }
  private static sigmoidBackward(this: Value): void {
    (this.operand as Value).grad += this.data * (1 - this.data) * this.grad;
  }

  exp(): Value {
    return make(Math.exp(this.data), OpCode.Exp, this, null);
  }
  private static expBackward(this: Value): void {
    (this.operand as Value).grad += this.data * this.grad;
  }

  log(): Value {
    return make(Math.log(this.data), OpCode.Log, this, null);
  }
  private static logBackward(this: Value): void {
    const a = this.operand as Value;
    a.grad += this.grad / a.data;
  }

  /**
   * Fills `grad` with d(this)/d(node) for every node this value depends on.
   * Leaves accumulate, as in PyTorch (call `zeroGrad` between steps); interior nodes are
   * recomputed from zero on each call, so calling it twice adds the same gradient twice.
   */
  backward(): void {
    if (this.code === OpCode.Leaf) {
      this.grad += 1;
      return;
    }
    this.grad = 1;
    sweep(this, null, null);
  }

  /**
   * Every node reachable from this one, children before parents, each once: in the order they
   * were made.
   * @internal
   */
  topologicalOrder(): Value[] {
    if (this.code === OpCode.Leaf) return [this];
    const interior: Value[] = [];
    const leaves: Value[] = [];
    sweep(this, interior, leaves);
    interior.reverse();
    // The leaves merged in, by id.
    const sortedLeaves = leaves.sort((a, b) => a.id - b.id);
    const order: Value[] = [];
    let i = 0;
    for (const node of interior) {
      while (i < sortedLeaves.length && sortedLeaves[i].id < node.id) order.push(sortedLeaves[i++]);
      order.push(node);
    }
    return order;
  }

  toString(): string {
    return `Value(data=${this.data}, grad=${this.grad})`;
  }

  /** What console.log shows in Node, as micrograd's repr: the numbers, not the block they sit in. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** What JSON.stringify writes: the numbers and the operation, not the block they sit in. */
  toJSON(): { data: number; grad: number; op: string } {
    return { data: this.data, grad: this.grad, op: this.op };
  }

  /** Each operation's backward, by code. */
  private static readonly backwardByCode: Record<OpCode, Backward> = {
    [OpCode.Leaf]: noop,
    [OpCode.Neg]: Value.negBackward,
    [OpCode.Relu]: Value.reluBackward,
    [OpCode.Tanh]: Value.tanhBackward,
    [OpCode.Sigmoid]: Value.sigmoidBackward,
    [OpCode.Exp]: Value.expBackward,
    [OpCode.Log]: Value.logBackward,
    [OpCode.AddConstant]: Value.addConstantBackward,
    [OpCode.SubConstant]: Value.subConstantBackward,
    [OpCode.ConstantSub]: Value.constantSubBackward,
    [OpCode.MulConstant]: Value.mulConstantBackward,
    [OpCode.DivConstant]: Value.divConstantBackward,
    [OpCode.ConstantDiv]: Value.constantDivBackward,
    [OpCode.PowConstant]: Value.powConstantBackward,
    [OpCode.ConstantPow]: Value.constantPowBackward,
    [OpCode.Add]: Value.addBackward,
    [OpCode.Sub]: Value.subBackward,
    [OpCode.Mul]: Value.mulBackward,
    [OpCode.Div]: Value.divBackward,
    [OpCode.Pow]: Value.powBackward,
    [OpCode.Sum]: Value.sumBackward,
    [OpCode.WeightedSum]: Value.weightedSumBackward,
    [OpCode.Custom]: noop, // a custom operation's own backward is set on the node
  };
}

/** A new interior node: how every operation makes its result. */
function make(data: number, code: OpCode, operand: Value['operand'], other: Value['other']): Value {
  const node = new Value(data);
  const { block } = node;
  const slot = node.id & SLOT;
  block.code[slot] = code;
  node.operand = operand;
  if (typeof other === 'number') block.constant[slot] = other;
  else node.other = other;
  return node;
}

function noop(): void {}

function isValue(x: Value | number): x is Value {
  return typeof x !== 'number';
}

function checkValue(x: Value): Value {
  if (!(x instanceof Value)) {
    throw new TypeError(`expected a Value or a number, got ${describe(x)}`);
  }
  return x;
}

/**
 * A weighted sum's bias (index -1) or weight i: a Value, never a number (it would get no
 * gradient). The message is made only when it is needed: this runs for every weight.
 */
function checkParameter(x: Value, i: number): Value {
  if (!(x instanceof Value)) {
    const what = i < 0 ? 'the bias' : `weight ${i}`;
    throw new TypeError(`${what} of a weighted sum must be a Value, got ${describe(x)}`);
  }
  return x;
}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'string') return `a string (${JSON.stringify(x)})`;
  if (typeof x === 'object') return `an object (${Object.prototype.toString.call(x)})`;
  return `${typeof x} (${String(x)})`;
}
