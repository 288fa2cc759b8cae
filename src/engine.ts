/**
 * The scalar autograd engine: one `Value` class in the spirit of micrograd's engine.py.
 * Every operation computes its result and, right beside it, the `_backward` function that
 * pushes the result's gradient into its operands by the chain rule.
 *
 * A node is kept small, since a training step makes tens of thousands of them:
 * - `_backward` is not a fresh closure per node but one function per operation, called on the
 *   node (`this`). A closure and its context cost about 80 bytes a node.
 * - The operation is an interned code, not a string per node; `op` spells it out when asked.
 * - The operands sit in two fields of the node, `operand` and `other`, not in an array per
 *   node; `children` builds the array when asked. A number operand (`x * 2`) stays a number in
 *   `other` rather than becoming a leaf Value of its own.
 * - Labels, which few nodes have, live in a side table.
 * - A neuron's weighted sum is one node (`Value.weightedSum`), not a product node per weight
 *   and a sum: most of a network's graph is these.
 * Read a node through `data`, `grad`, `op`, `label`, `children` and `_backward`; the code and
 * the two operand fields are for the engine and the Tape.
 */

/**
 * The operation that made a node. The groups tell the topological sort where operands are.
 * @internal
 */
export enum OpCode {
  Leaf,
  // One operand, in `operand`.
  Neg,
  Relu,
  Tanh,
  Sigmoid,
  Exp,
  Log,
  // One operand in `operand`, and a number in `other`.
  AddConstant,
  /** operand - constant */
  SubConstant,
  /** constant - operand */
  ConstantSub,
  MulConstant,
  /** operand / constant */
  DivConstant,
  /** constant / operand */
  ConstantDiv,
  /** operand ** constant */
  PowConstant,
  /** constant ** operand */
  ConstantPow,
  // Two operands, `operand` and `other`.
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  // A list of operands in `operand`: Value.sum's terms (numbers among them), a weighted sum's
  // bias then each weight and its input (a number or a Value), or a custom operation's children
  // (with its name in `other`).
  Sum,
  WeightedSum,
  Custom,
}

type Backward = (this: Value) => void;

const NO_CHILDREN: readonly Value[] = Object.freeze([]);

/** Bumped by two for every topological sort, so that marking a node needs no Set (see `mark`). */
let visitEpoch = 0;

/** The labels given to nodes; most nodes have none, and should not pay a field for it. */
const labels = new WeakMap<Value, string>();

export class Value {
  data: number;
  grad: number;
  /** The operation that made this node. @internal */
  code: OpCode;
  /** The first (or only) operand; for a sum or a custom operation, the list of operands. @internal */
  operand: Value | readonly (Value | number)[] | null;
  /** The second operand: a Value, a number constant, or a custom operation's name. @internal */
  other: Value | number | string | null;
  /**
   * Scratch space for walks over the graph. The topological sort keeps its visit state here:
   * `visitEpoch - 1` while a node's operands are being visited, `visitEpoch` once it is in the
   * order, anything else before. A Tape numbers the nodes it records here, with negative
   * numbers, which no sort takes for its own.
   * @internal
   */
  mark: number;

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
    this.data = data;
    this.grad = 0;
    this.code = OpCode.Leaf;
    this.operand = null;
    this.other = null;
    this.mark = 0;
    if (label !== '') labels.set(this, label);
    if (children.length > 0 || op !== '') {
      this.code = OpCode.Custom;
      this.operand = children.map(checkValue); // a copy: the caller's array may change later
      this.other = op;
      if (backward !== noop) this._backward = backward;
    }
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
    return made(total, OpCode.Sum, list, null);
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
    return made(total, OpCode.WeightedSum, list, null);
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
    if (typeof other === 'number') return made(this.data + other, OpCode.AddConstant, this, other);
    return made(this.data + checkValue(other).data, OpCode.Add, this, other);
  }
  private static addBackward(this: Value): void {
    (this.operand as Value).grad += this.grad;
    (this.other as Value).grad += this.grad;
  }
  private static addConstantBackward(this: Value): void {
    (this.operand as Value).grad += this.grad;
  }

  sub(other: Value | number): Value {
    if (typeof other === 'number') return made(this.data - other, OpCode.SubConstant, this, other);
    return made(this.data - checkValue(other).data, OpCode.Sub, this, other);
  }
  private static subBackward(this: Value): void {
    (this.operand as Value).grad += this.grad;
    (this.other as Value).grad -= this.grad;
  }
  private static subConstantBackward(this: Value): void {
    (this.operand as Value).grad += this.grad;
  }

  mul(other: Value | number): Value {
    if (typeof other === 'number') return made(this.data * other, OpCode.MulConstant, this, other);
    return made(this.data * checkValue(other).data, OpCode.Mul, this, other);
  }
  private static mulBackward(this: Value): void {
    const a = this.operand as Value;
    const b = this.other as Value;
    a.grad += b.data * this.grad;
    b.grad += a.data * this.grad;
  }
  private static mulConstantBackward(this: Value): void {
    (this.operand as Value).grad += (this.other as number) * this.grad;
  }

  div(other: Value | number): Value {
    if (typeof other === 'number') return made(this.data / other, OpCode.DivConstant, this, other);
    return made(this.data / checkValue(other).data, OpCode.Div, this, other);
  }
  private static divBackward(this: Value): void {
    const a = this.operand as Value;
    const b = this.other as Value;
    a.grad += this.grad / b.data;
    b.grad -= (this.data / b.data) * this.grad;
  }
  private static divConstantBackward(this: Value): void {
    (this.operand as Value).grad += this.grad / (this.other as number);
  }

  /** `this ** exponent`. A number exponent is a constant (micrograd's `**k` node); a Value one gets a gradient too. */
  pow(exponent: Value | number): Value {
    if (typeof exponent === 'number') {
      return made(this.data ** exponent, OpCode.PowConstant, this, exponent);
    }
    return made(this.data ** checkValue(exponent).data, OpCode.Pow, this, exponent);
  }
  private static powBackward(this: Value): void {
    const a = this.operand as Value;
    const e = this.other as Value;
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
    return made(-this.data, OpCode.Neg, this, null);
  }
  private static negBackward(this: Value): void {
    (this.operand as Value).grad -= this.grad;
  }

  // The reverse forms compute `other ∘ this`: the transformer turns `2 - x` into `x.rsub(2)`.
  radd(other: Value | number): Value {
    if (typeof other === 'number') return made(other + this.data, OpCode.AddConstant, this, other);
    return checkValue(other).add(this);
  }

  rsub(other: Value | number): Value {
    if (typeof other === 'number') return made(other - this.data, OpCode.ConstantSub, this, other);
    return checkValue(other).sub(this);
  }
  private static constantSubBackward(this: Value): void {
    (this.operand as Value).grad -= this.grad;
  }

  rmul(other: Value | number): Value {
    if (typeof other === 'number') return made(other * this.data, OpCode.MulConstant, this, other);
    return checkValue(other).mul(this);
  }

  rdiv(other: Value | number): Value {
    if (typeof other === 'number') return made(other / this.data, OpCode.ConstantDiv, this, other);
    return checkValue(other).div(this);
  }
  private static constantDivBackward(this: Value): void {
    const b = this.operand as Value;
    b.grad -= (this.data / b.data) * this.grad;
  }

  rpow(other: Value | number): Value {
    if (typeof other === 'number') return made(other ** this.data, OpCode.ConstantPow, this, other);
    return checkValue(other).pow(this);
  }
  private static constantPowBackward(this: Value): void {
    const e = this.operand as Value;
    // d(k^e)/de = k^e ln k, taken as 0 where k^e is 0, as for a Value base.
    e.grad += (this.data === 0 ? 0 : this.data * Math.log(this.other as number)) * this.grad;
  }

  relu(): Value {
    return made(this.data > 0 ? this.data : 0, OpCode.Relu, this, null);
  }
  private static reluBackward(this: Value): void {
    if (this.data > 0) (this.operand as Value).grad += this.grad;
  }

  tanh(): Value {
    // Math.tanh saturates to ±1 instead of overflowing.
    return made(Math.tanh(this.data), OpCode.Tanh, this, null);
  }
  private static tanhBackward(this: Value): void {
    (this.operand as Value).grad += (1 - this.data * this.data) * this.grad;
  }

  sigmoid(): Value {
    // Each branch exponentiates a non-positive number, so neither overflows.
    const x = this.data;
    const s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    return made(s, OpCode.Sigmoid, this, null);
  }
  private static sigmoidBackward(this: Value): void {
    (this.operand as Value).grad += this.data * (1 - this.data) * this.grad;
  }

  exp(): Value {
    return made(Math.exp(this.data), OpCode.Exp, this, null);
  }
  private static expBackward(this: Value): void {
    (this.operand as Value).grad += this.data * this.grad;
  }

  log(): Value {
    return made(Math.log(this.data), OpCode.Log, this, null);
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
    // The order goes into an array kept from one backward to the next: a training step sorts
    // tens of thousands of nodes, and growing a fresh array for them each step costs more than
    // the sort itself. A backward run from inside a custom `_backward` gets an array of its own.
    const order = sortBuffer[0] === undefined ? sortBuffer : [];
    const n = sortInto(this, order);
    try {
      for (let i = 0; i < n; i++) {
        const node = order[i]!;
        if (node.code !== OpCode.Leaf) node.grad = 0;
      }
      this.grad = this.code !== OpCode.Leaf ? 1 : this.grad + 1;
      for (let i = n - 1; i >= 0; i--) order[i]!._backward();
    } finally {
      release(order, n); // the kept array must not keep the graph alive
    }
  }

  /**
   * Every node reachable from this one, children before parents, each once. A node met again
   * while its own operands are still being visited closes a cycle, which no order can put
   * right: that is an error.
   * @internal
   */
  topologicalOrder(): Value[] {
    const order: (Value | undefined)[] = sortBuffer[0] === undefined ? sortBuffer : [];
    const n = sortInto(this, order);
    const copy = order.slice(0, n) as Value[];
    release(order, n);
    return copy;
  }

  toString(): string {
    return `Value(data=${this.data}, grad=${this.grad})`;
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
function made(data: number, code: OpCode, operand: Value['operand'], other: Value['other']): Value {
  const node = new Value(data);
  node.code = code;
  node.operand = operand;
  node.other = other;
  return node;
}

/**
 * Scratch arrays for the topological sort, kept between sorts (see `backward`): the order
 * found, the path of nodes being visited, and for each of those the operand to visit next.
 * An entry is set back to undefined once used, so the arrays hold no node between sorts.
 */
const sortBuffer: (Value | undefined)[] = [];
const path: (Value | undefined)[] = [];
let nextOperand = new Int32Array(64);
/** Above this many entries the arrays are dropped after use rather than kept (a 1e7 chain). */
const KEPT_SCRATCH = 1 << 20;

/**
 * Writes the nodes reachable from `root` into `order`, children before parents, and returns
 * how many. Iterative, an explicit path instead of recursion, so that a chain of millions of
 * nodes cannot overflow the call stack. A node's `mark` holds its visit state: `visitEpoch - 1`
 * while its operands are being visited, `visitEpoch` once it is in the order.
 */
function sortInto(root: Value, order: (Value | undefined)[]): number {
  const done = (visitEpoch += 2);
  const visiting = done - 1;
  let n = 0;
  let depth = 1;
  path[0] = root;
  nextOperand[0] = 0;
  root.mark = visiting;
  while (depth > 0) {
    const node = path[depth - 1]!;
    // The next operand to visit. Those in the order already (a layer's inputs, read by every
    // neuron) are passed over, and leaves (weights), which have no operands to visit first, go
    // into the order as they are met: neither needs a turn of the outer loop.
    let child: Value | undefined;
    let i = nextOperand[depth - 1];
    const list = node.code >= OpCode.Sum ? (node.operand as (Value | number)[]) : undefined;
    while (child === undefined) {
      const operand = list ? (i < list.length ? list[i] : undefined) : operandAt(node, i);
      if (operand === undefined) break;
      i++;
      if (typeof operand === 'number' || operand.mark === done) continue;
      if (operand.code === OpCode.Leaf && operand.mark !== visiting) {
        operand.mark = done;
        order[n++] = operand;
      } else {
        child = operand;
      }
    }
    nextOperand[depth - 1] = i;
    if (child === undefined) {
      node.mark = done;
      order[n++] = node;
      path[--depth] = undefined;
    } else {
      if (child.mark === visiting) {
        release(path, depth);
        release(order, n);
        throw cycleError(child);
      }
      child.mark = visiting;
      if (depth === nextOperand.length) {
        const larger = new Int32Array(depth * 2);
        larger.set(nextOperand);
        nextOperand = larger;
      }
      nextOperand[depth] = 0;
      path[depth++] = child;
    }
  }
  if (path.length > KEPT_SCRATCH) path.length = 0;
  if (nextOperand.length > KEPT_SCRATCH) nextOperand = new Int32Array(64);
  return n;
}

/** Empties the first n entries of a scratch array, or all of it if it grew too large to keep. */
function release(array: (Value | undefined)[], n: number): void {
  if (array.length > KEPT_SCRATCH) array.length = 0;
  else array.fill(undefined, 0, n);
}

/** Operand `i` of a node (a number for a constant term of a sum), or undefined past the last. */
function operandAt(node: Value, i: number): Value | number | undefined {
  const code = node.code;
  if (code >= OpCode.Sum) return (node.operand as (Value | number)[])[i];
  if (code >= OpCode.Add)
    return i === 0 ? (node.operand as Value) : i === 1 ? (node.other as Value) : undefined;
  if (code !== OpCode.Leaf && i === 0) return node.operand as Value;
  return undefined;
}

function cycleError(node: Value): Error {
  const name = node.label ? `'${node.label}' ` : '';
  return new Error(
    `the graph has a cycle through ${name}${node} (op '${node.op}'): a node cannot depend on itself`,
  );
}

const SYMBOLS: Record<OpCode, string> = {
  [OpCode.Leaf]: '',
  [OpCode.Neg]: 'neg',
  [OpCode.Relu]: 'relu',
  [OpCode.Tanh]: 'tanh',
  [OpCode.Sigmoid]: 'sigmoid',
  [OpCode.Exp]: 'exp',
  [OpCode.Log]: 'log',
  [OpCode.AddConstant]: '+',
  [OpCode.SubConstant]: '-',
  [OpCode.ConstantSub]: '-',
  [OpCode.MulConstant]: '*',
  [OpCode.DivConstant]: '/',
  [OpCode.ConstantDiv]: '/',
  [OpCode.PowConstant]: '**',
  [OpCode.ConstantPow]: '**',
  [OpCode.Add]: '+',
  [OpCode.Sub]: '-',
  [OpCode.Mul]: '*',
  [OpCode.Div]: '/',
  [OpCode.Pow]: '**',
  [OpCode.Sum]: 'sum',
  [OpCode.WeightedSum]: 'w·x+b',
  [OpCode.Custom]: '',
};

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
