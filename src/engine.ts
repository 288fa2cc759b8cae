/**
 * The scalar autograd engine: one `Value` class in the spirit of micrograd's engine.py.
 * Every operation computes its result and, right beside it, the `_backward` function that
 * pushes the result's gradient into its operands by the chain rule.
 *
 * Unlike micrograd, `_backward` is not a fresh closure per node but one function per operation,
 * called on the node (`this`) and reading its operands from `children`. A closure and its
 * captured context cost each node about 80 bytes; on micrograd's moons demo, building and
 * collecting them was most of the time spent (the benchmark in bench/ shows the difference).
 */

const NO_CHILDREN: readonly Value[] = Object.freeze([]);

/** Bumped by every topological sort, so marking a node as visited needs no Set. */
let visitEpoch = 0;

export class Value {
  data: number;
  grad = 0;
  label: string;
  /** The operation that made this value: `'+'`, `'tanh'`, `'**2'`, …; `''` for a leaf. */
  readonly op: string;
  readonly children: readonly Value[];
  /** Adds this node's gradient, times the local derivatives, into its children's gradients. */
  _backward: (this: Value) => void;
  private visited = 0;

  constructor(
    data: number,
    label = '',
    children: readonly Value[] = NO_CHILDREN,
    op = '',
    backward: (this: Value) => void = noop,
  ) {
    if (typeof data !== 'number') {
      throw new TypeError(`Value data must be a number, got ${describe(data)}`);
    }
    this.data = data;
    this.label = label;
    this.children = children;
    this.op = op;
    this._backward = backward;
  }

  /** Wraps a number as a leaf; a Value is returned as it is. */
  static from(x: Value | number): Value {
    if (x instanceof Value) return x;
    if (typeof x !== 'number') {
      throw new TypeError(`expected a Value or a number, got ${describe(x)}`);
    }
    return new Value(x);
  }

  /** The sum of many values as one node: a neuron's weighted sum without a chain of `+`. */
  static sum(terms: readonly (Value | number)[]): Value {
    const values = terms.map(Value.from);
    let total = 0;
    for (const v of values) total += v.data;
    return new Value(total, '', values, 'sum', Value.sumBackward);
  }
  private static sumBackward(this: Value): void {
    for (const v of this.children) v.grad += this.grad;
  }

  add(other: Value | number): Value {
    const b = Value.from(other);
    return new Value(this.data + b.data, '', [this, b], '+', Value.addBackward);
  }
  private static addBackward(this: Value): void {
    this.children[0].grad += this.grad;
    this.children[1].grad += this.grad;
  }

  sub(other: Value | number): Value {
    const b = Value.from(other);
    return new Value(this.data - b.data, '', [this, b], '-', Value.subBackward);
  }
  private static subBackward(this: Value): void {
    this.children[0].grad += this.grad;
    this.children[1].grad -= this.grad;
  }

  mul(other: Value | number): Value {
    const b = Value.from(other);
    return new Value(this.data * b.data, '', [this, b], '*', Value.mulBackward);
  }
  private static mulBackward(this: Value): void {
    const [a, b] = this.children;
    a.grad += b.data * this.grad;
    b.grad += a.data * this.grad;
  }

  div(other: Value | number): Value {
    const b = Value.from(other);
    return new Value(this.data / b.data, '', [this, b], '/', Value.divBackward);
  }
  private static divBackward(this: Value): void {
    const [a, b] = this.children;
    a.grad += this.grad / b.data;
    b.grad -= (this.data / b.data) * this.grad;
  }

  /** `this ** exponent`. A number exponent is a constant (micrograd's `**k` node); a Value one gets a gradient too. */
  pow(exponent: Value | number): Value {
    if (typeof exponent === 'number') {
      return new Value(
        this.data ** exponent,
        '',
        [this],
        `**${exponent}`,
        Value.powConstantBackward,
      );
    }
    const e = Value.from(exponent);
    return new Value(this.data ** e.data, '', [this, e], '**', Value.powBackward);
  }
  private static powConstantBackward(this: Value): void {
    const a = this.children[0];
    const k = Number(this.op.slice(2)); // exact: a number's string form reads back as the same number
    if (k !== 0) a.grad += k * a.data ** (k - 1) * this.grad; // x**0 is constant, even at 0
  }
  private static powBackward(this: Value): void {
    const [a, e] = this.children;
    a.grad += e.data * a.data ** (e.data - 1) * this.grad;
    // d(a^e)/de = a^e ln a, defined for a > 0 (and taken as 0 where a^e is 0, as PyTorch does).
    e.grad += (this.data === 0 ? 0 : this.data * Math.log(a.data)) * this.grad;
  }

  neg(): Value {
    return new Value(-this.data, '', [this], 'neg', Value.negBackward);
  }
  private static negBackward(this: Value): void {
    this.children[0].grad -= this.grad;
  }

  // The reverse forms compute `other ∘ this`: the transformer turns `2 - x` into `x.rsub(2)`.
  radd(other: Value | number): Value {
    return Value.from(other).add(this);
  }

  rsub(other: Value | number): Value {
    return Value.from(other).sub(this);
  }

  rmul(other: Value | number): Value {
    return Value.from(other).mul(this);
  }

  rdiv(other: Value | number): Value {
    return Value.from(other).div(this);
  }

  rpow(other: Value | number): Value {
    return Value.from(other).pow(this);
  }

  relu(): Value {
    return new Value(this.data > 0 ? this.data : 0, '', [this], 'relu', Value.reluBackward);
  }
  private static reluBackward(this: Value): void {
    if (this.data > 0) this.children[0].grad += this.grad;
  }

  tanh(): Value {
    // Math.tanh saturates to ±1 instead of overflowing.
    return new Value(Math.tanh(this.data), '', [this], 'tanh', Value.tanhBackward);
  }
  private static tanhBackward(this: Value): void {
    this.children[0].grad += (1 - this.data * this.data) * this.grad;
  }

  sigmoid(): Value {
    // Each branch exponentiates a non-positive number, so neither overflows.
    const x = this.data;
    const s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    return new Value(s, '', [this], 'sigmoid', Value.sigmoidBackward);
  }
  private static sigmoidBackward(this: Value): void {
    this.children[0].grad += this.data * (1 - this.data) * this.grad;
  }

  exp(): Value {
    return new Value(Math.exp(this.data), '', [this], 'exp', Value.expBackward);
  }
  private static expBackward(this: Value): void {
    this.children[0].grad += this.data * this.grad;
  }

  log(): Value {
    return new Value(Math.log(this.data), '', [this], 'log', Value.logBackward);
  }
  private static logBackward(this: Value): void {
    this.children[0].grad += this.grad / this.children[0].data;
  }

  /**
   * Fills `grad` with d(this)/d(node) for every node this value depends on.
   * Leaves accumulate, as in PyTorch (call `zeroGrad` between steps); interior nodes are
   * recomputed from zero on each call, so calling it twice adds the same gradient twice.
   */
  backward(): void {
    const order = this.topologicalOrder();
    for (const node of order) if (node.children.length > 0) node.grad = 0;
    this.grad = this.children.length > 0 ? 1 : this.grad + 1;
    for (let i = order.length - 1; i >= 0; i--) order[i]._backward();
  }

  /**
   * Every node reachable from this one, children before parents. Iterative (an explicit stack
   * of nodes and next-child indices) so a chain of millions of nodes cannot overflow the call stack.
   */
  topologicalOrder(): Value[] {
    const epoch = ++visitEpoch;
    const order: Value[] = [];
    const stack: Value[] = [this];
    const nextChild: number[] = [0];
    this.visited = epoch;
    while (stack.length > 0) {
      const top = stack.length - 1;
      const node = stack[top];
      const i = nextChild[top];
      if (i < node.children.length) {
        nextChild[top] = i + 1;
        const child = node.children[i];
        if (child.visited !== epoch) {
          child.visited = epoch;
          stack.push(child);
          nextChild.push(0);
        }
      } else {
        order.push(node);
        stack.pop();
        nextChild.pop();
      }
    }
    return order;
  }

  toString(): string {
    return `Value(data=${this.data}, grad=${this.grad})`;
  }
}

function noop(): void {}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'string') return `a string (${JSON.stringify(x)})`;
  if (typeof x === 'object') return `an object (${Object.prototype.toString.call(x)})`;
  return `${typeof x} (${String(x)})`;
}
