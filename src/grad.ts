/**
 * Gradients as Values, for derivatives of any order: `grad(output, inputs)` is d output / d input
 * for each input, as PyTorch's torch.autograd.grad and HIPS autograd's grad compute it.
 *
 * It walks the output's graph from the output back, as backward() does, but instead of adding
 * numbers into `.grad` it builds each operand's share of the gradient from the engine's own
 * operations: the share of `a` in `a * b` is `b * g`, where g is the product's gradient. With
 * `createGraph` those are Values, nodes of a new graph over the same inputs, which grad can walk
 * in turn: `grad(grad(f, [x], { createGraph: true })[0], [x])` is the second derivative of f.
 * Without it the same formulas run on the nodes' numbers, and nothing is built.
 *
 * Each share is computed with backward()'s formula, in backward()'s order, so the gradients are
 * the numbers backward() gives (to the sign of a zero). Three choices follow PyTorch instead, at
 * points where backward() gives an infinity or NaN: `a ** b` passes no gradient to `a` where
 * b = 0, nor to `b` where a = 0 and b >= 0; `0 ** b` passes none to `b` where b >= 0. And a node
 * that no gradient reached (behind a relu that is off) passes none on, where backward() would
 * multiply its zero out (only an infinite operand tells the difference: NaN there, 0 here).
 *
 * relu and the zero-base cases of pow are decided from the data when grad runs, as an `if` on a
 * value would be: a relu's derivative is its step, so its share is g itself where the relu is on,
 * and nothing where it is off. Its derivative in turn is 0, as it should be. A Tape that records
 * a derivative's graph replays it for that step pattern; record again once a relu's input has
 * crossed 0.
 */
import { AnomalyError, detectingAnomaly } from './anomaly';
import { Value } from './engine';
import { OpCode } from './engine/layout';
import { div, mul, neg, pow, sub } from './runtime';

/** A value or a gradient while grad works: a Value in a graph, or a number, which is a constant. */
type Scalar = Value | number;

export interface GradOptions {
  /** Build the gradients as nodes of a graph, so that they can be differentiated again. */
  createGraph?: boolean;
}

/**
 * d output / d input for each input, as Values. With `createGraph: true` they are nodes of a
 * graph built from the inputs (so grad can differentiate them again); without, constants. An
 * input the output does not depend on gets the constant 0. Every `.grad` is left as it was.
 */
export function grad(
  output: Value,
  inputs: readonly Value[],
  { createGraph = false }: GradOptions = {},
): Value[] {
  checkOutput(output);
  checkInputs(inputs);
  // Inside detectAnomaly the derivatives are built from its checked operations even when only
  // numbers are asked for, so that a non-finite one is named where it is made.
  const building = createGraph || detectingAnomaly();
  const at: (node: Value) => Scalar = building ? (node) => node : (node) => node.data;

  const order = output.topologicalOrder();
  const n = order.length;
  // Positions go into the nodes' marks, scratch space for numbering a graph, as the Tape's do,
  // rather than into a Map, which would hash every node at each lookup.
  for (let i = 0; i < n; i++) order[i].mark = -1 - i;
  const positionOf = (node: Value): number => {
    const p = -1 - node.mark;
    return p >= 0 && p < n && order[p] === node ? p : -1;
  };

  // Only the nodes that lead to an input need gradients: the others' shares would be built for
  // nothing (the weights', when the gradient is along the data).
  const leadsToInput = new Uint8Array(n);
  for (const input of inputs) {
    const p = positionOf(input);
    if (p >= 0) leadsToInput[p] = 1;
  }
  for (let i = 0; i < n; i++) {
    for (const operand of order[i].operands) {
      if (typeof operand !== 'number' && leadsToInput[positionOf(operand)] === 1) {
        leadsToInput[i] = 1;
        break;
      }
    }
  }
  const wanted = (operand: Value | number): operand is Value =>
    typeof operand !== 'number' && leadsToInput[positionOf(operand)] === 1;

  const sums = building ? graphSums(n) : numberSums(n);
  const give = (operand: Value, factor: Scalar, g: Scalar): void =>
    sums.give(positionOf(operand), factor, g);
  sums.give(n - 1, 1, 1);
  for (let i = n - 1; i >= 0; i--) {
    if (leadsToInput[i] === 0) continue;
    const g = sums.total(i);
    if (g === undefined) continue;
    const node = order[i];
    try {
      shareOut(node, g, at, wanted, give);
    } catch (error) {
      if (!(error instanceof AnomalyError)) throw error;
      throw new AnomalyError(`in the derivative of '${node.op}'${labelOf(node)}: ${error.message}`);
    }
  }

  return inputs.map((input) => {
    const p = positionOf(input);
    const g = p >= 0 ? sums.total(p) : undefined;
    if (g === undefined) return new Value(0);
    if (typeof g === 'number') return new Value(g);
    return createGraph ? g : new Value(g.data);
  });
}

/**
 * Each node's gradient, by position: the sum of the shares its users give it, each a factor
 * times the user's gradient, added from 0 in the order given, as backward() adds them into
 * `.grad`.
 */
interface Sums {
  give(p: number, factor: Scalar, g: Scalar): void;
  /** The gradient of the node at p, once every share is in; undefined if none was given. */
  total(p: number): Scalar | undefined;
}

/** Sums of numbers, added as the shares come. */
function numberSums(n: number): Sums {
  const totals = new Float64Array(n);
  const given = new Uint8Array(n);
  return {
    give(p, factor, g) {
      totals[p] += (factor as number) * (g as number);
      given[p] = 1;
    },
    total: (p) => (given[p] === 1 ? totals[p] : undefined),
  };
}

/**
 * Sums as nodes: a node's shares are kept until its gradient is asked for, then made one
 * weighted-sum node (a weight's gradient, the sum over every point of its input times the
 * neuron's gradient, is one node, not a product and an addition per point). The products keep
 * backward()'s order, so the sum has backward()'s bits.
 */
function graphSums(n: number): Sums {
  const factors = new Array<Scalar[] | undefined>(n);
  const gradients = new Array<Scalar[] | undefined>(n);
  const totals = new Array<Scalar | undefined>(n);
  let zero: Value | undefined; // the weighted sums' bias
  return {
    give(p, factor, g) {
      (factors[p] ??= []).push(factor);
      (gradients[p] ??= []).push(g);
    },
    total(p) {
      const f = factors[p];
      const g = gradients[p];
      if (totals[p] !== undefined || f === undefined || g === undefined) return totals[p];
      factors[p] = gradients[p] = undefined;
      return (totals[p] = sumOfProducts(f, g, () => (zero ??= new Value(0))));
    },
  };
}

/** Σ factors[k] × gradients[k], added from 0 in order: a number if all are numbers, else a Value. */
function sumOfProducts(factors: Scalar[], gradients: Scalar[], zero: () => Value): Scalar {
  if (factors.length === 1) return factors[0] === 1 ? gradients[0] : mul(factors[0], gradients[0]);
  if (factors.every(isNumber) && gradients.every(isNumber)) {
    let total = 0;
    for (let k = 0; k < factors.length; k++)
      total += (factors[k] as number) * (gradients[k] as number);
    return total;
  }
  const weights: Value[] = [];
  const inputs: Scalar[] = [];
  for (let k = 0; k < factors.length; k++) {
    const f = factors[k];
    const g = gradients[k];
    if (typeof g !== 'number') {
      weights.push(g);
      inputs.push(f);
    } else if (typeof f !== 'number') {
      weights.push(f);
      inputs.push(g);
    } else {
      // A constant share, as a constant weight times 1, keeps its place in the additions' order.
      weights.push(new Value(f * g));
      inputs.push(1);
    }
  }
  return Value.weightedSum(zero(), weights, inputs);
}

function isNumber(x: Scalar): x is number {
  return typeof x === 'number';
}

/**
 * The matrix of second derivatives d²output / (d inputs[i] d inputs[j]), as numbers: row i is the
 * gradient of d output / d inputs[i], one walk of the first derivatives' graph per input.
 */
export function hessian(output: Value, inputs: readonly Value[]): number[][] {
  const first = grad(output, inputs, { createGraph: true });
  return first.map((gradient) => grad(gradient, inputs).map((x) => x.data));
}

/**
 * The Hessian of output with respect to inputs, times `vector`, without forming the Hessian:
 * the gradient of (d output / d inputs) · vector, by two walks over graphs of the size of
 * output's (double backward), whatever the number of inputs.
 */
export function hvp(output: Value, inputs: readonly Value[], vector: readonly number[]): number[] {
  checkInputs(inputs);
  if (!Array.isArray(vector) || vector.length !== inputs.length) {
    throw new RangeError(
      `hvp needs one number per input: got ${inputs.length} inputs and ${Array.isArray(vector) ? `a vector of ${vector.length}` : describe(vector)}`,
    );
  }
  vector.forEach((v, i) => {
    if (typeof v !== 'number')
      throw new TypeError(`hvp: vector entry ${i} is ${describe(v)}, not a number`);
  });
  const first = grad(output, inputs, { createGraph: true });
  const alongVector = Value.sum(first.map((gradient, i) => gradient.mul(vector[i])));
  return grad(alongVector, inputs).map((x) => x.data);
}

/**
 * Gives each wanted operand of `node` its share of the node's gradient g: the local derivative
 * (the factor) times g, with backward()'s formulas, built with operations that make Values where
 * the operands are Values and compute numbers where they are numbers. `at` is a node as an
 * operand of a factor: the node itself, or its number.
 */
function shareOut(
  node: Value,
  g: Scalar,
  at: (node: Value) => Scalar,
  wanted: (operand: Value | number) => operand is Value,
  give: (operand: Value, factor: Scalar, g: Scalar) => void,
): void {
  if (node.code === OpCode.Leaf) return;
  const operands = node.operands;
  const a = operands[0] as Value;
  const b = operands[1];
  // A node wanted as an input itself may have an operand that leads to no input.
  if (node.code < OpCode.Add && !wanted(a)) return; // one Value operand
  switch (node.code) {
    case OpCode.Add:
    case OpCode.AddConstant:
    case OpCode.SubConstant:
      if (wanted(a)) give(a, 1, g);
      if (wanted(b)) give(b, 1, g);
      return;
    case OpCode.Sub:
      if (wanted(a)) give(a, 1, g);
      if (wanted(b)) give(b, -1, g);
      return;
    case OpCode.Neg:
    case OpCode.ConstantSub:
      return give(a, -1, g);
    case OpCode.Mul:
      if (wanted(a)) give(a, at(b as Value), g);
      if (wanted(b)) give(b, at(a), g);
      return;
    case OpCode.MulConstant:
      return give(a, b as number, g);
    // A quotient's share is g divided, not g times a reciprocal: backward()'s bits.
    case OpCode.Div:
      if (wanted(a)) give(a, 1, div(g, at(b as Value)));
      if (wanted(b)) give(b, neg(div(at(node), at(b))), g);
      return;
    case OpCode.DivConstant:
      return give(a, 1, div(g, b as number));
    case OpCode.ConstantDiv:
      return give(a, neg(div(at(node), at(a))), g);
    case OpCode.Pow: {
      const e = b as Value;
      // d(a^e)/da = e a^(e-1), taken as 0 where e = 0 (where backward() gets 0 * 0^-1 = NaN at
      // a = 0), as PyTorch does.
      if (wanted(a) && e.data !== 0) give(a, mul(at(e), pow(at(a), sub(at(e), 1))), g);
      // d(a^e)/de = a^e ln a: NaN for a < 0, where the real power has no derivative in e, and
      // taken as 0 at a = 0 for e >= 0, as PyTorch takes them.
      if (wanted(e) && !(a.data === 0 && e.data >= 0)) give(e, mul(at(node), log(at(a))), g);
      return;
    }
    case OpCode.PowConstant: {
      const k = b as number;
      if (k !== 0) give(a, mul(k, pow(at(a), k - 1)), g); // a^0 is constant, even at 0
      return;
    }
    case OpCode.ConstantPow: {
      const k = b as number;
      if (!(k === 0 && a.data >= 0)) give(a, mul(at(node), Math.log(k)), g);
      return;
    }
    case OpCode.Relu:
      if (node.data > 0) give(a, 1, g);
      return;
    case OpCode.Tanh:
      return give(a, sub(1, mul(at(node), at(node))), g);
    case OpCode.Sigmoid:
      return give(a, mul(at(node), sub(1, at(node))), g);
    case OpCode.Exp:
      return give(a, at(node), g);
    case OpCode.Log:
      return give(a, 1, div(g, at(a)));
    case OpCode.Sum:
      for (const term of operands) if (wanted(term)) give(term, 1, g);
      return;
    case OpCode.WeightedSum:
      // The bias, then each weight w and its input x, as the products w * x would share.
      if (wanted(a)) give(a, 1, g);
      for (let k = 1; k < operands.length; k += 2) {
        const w = operands[k] as Value;
        const x = operands[k + 1];
        if (wanted(w)) give(w, typeof x === 'number' ? x : at(x), g);
        if (wanted(x)) give(x, at(w), g);
      }
      return;
    case OpCode.Custom:
      throw new TypeError(
        `grad cannot differentiate the custom operation '${node.op}'${labelOf(node)}: its backward adds numbers into .grad, which grad cannot build on; write it from Value operations instead`,
      );
  }
}

function log(x: Scalar): Scalar {
  return typeof x === 'number' ? Math.log(x) : x.log();
}

function labelOf(node: Value): string {
  return node.label ? ` (label '${node.label}')` : '';
}

function checkOutput(output: unknown): asserts output is Value {
  if (output instanceof Value) return;
  if (Array.isArray(output)) {
    throw new TypeError(
      `grad differentiates one Value, a scalar; got an array of ${output.length}: sum it into one Value (Value.sum) or call grad for each`,
    );
  }
  throw new TypeError(`grad differentiates a Value; got ${describe(output)} as the output`);
}

function checkInputs(inputs: unknown): asserts inputs is readonly Value[] {
  if (!Array.isArray(inputs)) {
    throw new TypeError(
      `grad needs the inputs as an array of Values; got ${describe(inputs)}${inputs instanceof Value ? ': wrap it in [ ]' : ''}`,
    );
  }
  inputs.forEach((input, i) => {
    if (!(input instanceof Value)) {
      throw new TypeError(
        `grad: input ${i} is ${describe(input)}, not a Value; gradients are taken with respect to Values the output was built from`,
      );
    }
  });
}

function describe(x: unknown): string {
  if (x instanceof Value) return `a Value (${x.data})`;
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'string') return `a string (${JSON.stringify(x)})`;
  if (typeof x === 'object') return `an object (${Object.prototype.toString.call(x)})`;
  return `a ${typeof x} (${String(x)})`;
}
