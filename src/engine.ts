/**
 * The scalar autograd engine: one `Value` class in the spirit of micrograd's engine.py.
 * Every operation computes its result and, right beside it, the `_backward` closure that
 * pushes the result's gradient into its operands by the chain rule.
 */

const NO_CHILDREN: readonly Value[] = Object.freeze([]);

/** Bumped by every `backward()`, so marking a node as visited needs no Set. */
let visitEpoch = 0;

export class Value {
  data: number;
  grad = 0;
  label: string;
  /** The operation that made this value: `'+'`, `'tanh'`, `'**2'`, …; `''` for a leaf. */
  readonly op: string;
  readonly children: readonly Value[];
  _backward: () => void = noop;
  private visited = 0;

  constructor(data: number, label = '', children: readonly Value[] = NO_CHILDREN, op = '') {
    if (typeof data !== 'number') {
      throw new TypeError(`Value data must be a number, got ${describe(data)}`);
    }
    this.data = data;
    this.label = label;
    this.children = children;
    this.op = op;
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
    const out = new Value(total, '', values, 'sum');
    out._backward = () => {
      for (const v of values) v.grad += out.grad;
    };
    return out;
  }

  add(other: Value | number): Value {
    const b = Value.from(other);
    const out = new Value(this.data + b.data, '', [this, b], '+');
    out._backward = () => {
      this.grad += out.grad;
      b.grad += out.grad;
    };
    return out;
  }

  sub(other: Value | number): Value {
    const b = Value.from(other);
    const out = new Value(this.data - b.data, '', [this, b], '-');
    out._backward = () => {
      this.grad += out.grad;
      b.grad -= out.grad;
    };
    return out;
  }

  mul(other: Value | number): Value {
    const b = Value.from(other);
    const out = new Value(this.data * b.data, '', [this, b], '*');
    out._backward = () => {
      this.grad += b.data * out.grad;
      b.grad += this.data * out.grad;
    };
    return out;
  }

  div(other: Value | number): Value {
    const b = Value.from(other);
    const out = new Value(this.data / b.data, '', [this, b], '/');
    out._backward = () => {
      this.grad += out.grad / b.data;
      b.grad -= (out.data / b.data) * out.grad;
    };
    return out;
  }

  /** `this ** exponent`. A number exponent is a constant (micrograd's `**k` node); a Value one gets a gradient too. */
  pow(exponent: Value | number): Value {
    if (typeof exponent === 'number') {
      const k = exponent;
      const out = new Value(this.data ** k, '', [this], `**${k}`);
      out._backward = () => {
        if (k !== 0) this.grad += k * this.data ** (k - 1) * out.grad; // x**0 is constant, even at 0
      };
      return out;
    }
    const e = Value.from(exponent);
    const out = new Value(this.data ** e.data, '', [this, e], '**');
    out._backward = () => {
      this.grad += e.data * this.data ** (e.data - 1) * out.grad;
      // d(a^e)/de = a^e ln a, defined for a > 0 (and taken as 0 where a^e is 0, as PyTorch does).
      e.grad += (out.data === 0 ? 0 : out.data * Math.log(this.data)) * out.grad;
    };
    return out;
  }

  neg(): Value {
    const out = new Value(-this.data, '', [this], 'neg');
    out._backward = () => {
      this.grad -= out.grad;
    };
    return out;
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
    const out = new Value(this.data > 0 ? this.data : 0, '', [this], 'relu');
    out._backward = () => {
      if (out.data > 0) this.grad += out.grad;
    };
    return out;
  }

  tanh(): Value {
    const t = Math.tanh(this.data); // Math.tanh saturates to ±1 instead of overflowing
    const out = new Value(t, '', [this], 'tanh');
    out._backward = () => {
      this.grad += (1 - t * t) * out.grad;
    };
    return out;
  }

  sigmoid(): Value {
    // Each branch exponentiates a non-positive number, so neither overflows.
    const x = this.data;
    const s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    const out = new Value(s, '', [this], 'sigmoid');
    out._backward = () => {
      this.grad += s * (1 - s) * out.grad;
    };
    return out;
  }

  exp(): Value {
    const out = new Value(Math.exp(this.data), '', [this], 'exp');
    out._backward = () => {
      this.grad += out.data * out.grad;
    };
    return out;
  }

  log(): Value {
    const out = new Value(Math.log(this.data), '', [this], 'log');
    out._backward = () => {
      this.grad += out.grad / this.data;
    };
    return out;
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
