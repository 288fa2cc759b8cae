/**
 * The peer yardstick: a straightforward TypeScript port of micrograd, as the existing ports
 * write it (a closure per op, a Set of children, a recursive topological sort, every number
 * wrapped in a Value, sums as chains of binary additions).
 */
export class PortValue {
  grad = 0;
  _backward: () => void = () => {};
  readonly _prev: Set<PortValue>;

  constructor(
    public data: number,
    children: PortValue[] = [],
    readonly _op = '',
  ) {
    this._prev = new Set(children);
  }

  add(other: PortValue | number): PortValue {
    const o = other instanceof PortValue ? other : new PortValue(other);
    const out = new PortValue(this.data + o.data, [this, o], '+');
    out._backward = () => {
      this.grad += out.grad;
      o.grad += out.grad;
    };
    return out;
  }

  mul(other: PortValue | number): PortValue {
    const o = other instanceof PortValue ? other : new PortValue(other);
    const out = new PortValue(this.data * o.data, [this, o], '*');
    out._backward = () => {
      this.grad += o.data * out.grad;
      o.grad += this.data * out.grad;
    };
    return out;
  }

  relu(): PortValue {
    const out = new PortValue(this.data < 0 ? 0 : this.data, [this], 'ReLU');
    out._backward = () => {
      this.grad += (out.data > 0 ? 1 : 0) * out.grad;
    };
    return out;
  }

  backward(): void {
    const topo: PortValue[] = [];
    const visited = new Set<PortValue>();
    const build = (v: PortValue) => {
      if (visited.has(v)) return;
      visited.add(v);
      for (const child of v._prev) build(child);
      topo.push(v);
    };
    build(this);
    this.grad = 1;
    for (const v of topo.reverse()) v._backward();
  }
}
