/**
 * The interpreter: runs a program (program.ts) over the data and gradient arrays. Each case of
 * the two switches is a copy of an operation's math in engine.ts (its forward, and beside it
 * its `…Backward`), kept here so that a replay is one loop over typed arrays with no call per
 * node; test/tape.test.ts checks for every op code that the copies agree bit for bit. A sum
 * instruction runs alone (`sumForward`, `sumBackward`) or, behind a Group, four at a time
 * (`groupForward`, `groupBackward`). Everything a replay runs is in this one module, as it was
 * before src/tape.ts was split: its calls stay calls within a module, not through another
 * module's exports, so the split leaves V8 the same code to inline.
 */
import { Instruction, Run, sumEnd, sumInstructionEnd } from './program';

/** Computes every instruction, in order, from the leaves' data already in `data`. */
export function runForward(program: Int32Array, constants: Float64Array, data: Float64Array): void {
  for (let pc = 0; pc < program.length;) {
    const op = program[pc];
    const out = program[pc + 1];
    if (op === Instruction.Group) {
      pc = groupForward(program, pc, constants, data);
      continue;
    }
    if (op >= Instruction.Sum) {
      const total = sumForward(program, pc, constants, data);
      data[out] = total;
      pc = sumEnd(program, pc);
      if (op === Instruction.SumRelu) data[program[pc++]] = total > 0 ? total : 0;
      continue;
    }
    const a = data[program[pc + 2]];
    switch (op) {
      case Instruction.Neg:
        data[out] = -a;
        break;
      case Instruction.Relu:
        data[out] = a > 0 ? a : 0;
        break;
      case Instruction.Tanh:
        data[out] = Math.tanh(a);
        break;
      case Instruction.Sigmoid:
        data[out] = a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
        break;
      case Instruction.Exp:
        data[out] = Math.exp(a);
        break;
      case Instruction.Log:
        data[out] = Math.log(a);
        break;
      case Instruction.AddConstant:
        data[out] = a + constants[program[pc + 3]];
        break;
      case Instruction.SubConstant:
        data[out] = a - constants[program[pc + 3]];
        break;
      case Instruction.ConstantSub:
        data[out] = constants[program[pc + 3]] - a;
        break;
      case Instruction.MulConstant:
        data[out] = a * constants[program[pc + 3]];
        break;
      case Instruction.DivConstant:
        data[out] = a / constants[program[pc + 3]];
        break;
      case Instruction.ConstantDiv:
        data[out] = constants[program[pc + 3]] / a;
        break;
      case Instruction.PowConstant:
        data[out] = a ** constants[program[pc + 3]];
        break;
      case Instruction.ConstantPow:
        data[out] = constants[program[pc + 3]] ** a;
        break;
      case Instruction.Add:
        data[out] = a + data[program[pc + 3]];
        break;
      case Instruction.Sub:
        data[out] = a - data[program[pc + 3]];
        break;
      case Instruction.Mul:
        data[out] = a * data[program[pc + 3]];
        break;
      case Instruction.Div:
        data[out] = a / data[program[pc + 3]];
        break;
      case Instruction.Pow:
        data[out] = a ** data[program[pc + 3]];
        break;
    }
    pc += op >= Instruction.AddConstant ? 4 : 3;
  }
}

/**
 * Backpropagates through every instruction, from the last, given the output's gradient in
 * `grad`: `starts` says where each instruction (or group run together) starts.
 */
export function runBackward(
  program: Int32Array,
  starts: Int32Array,
  constants: Float64Array,
  data: Float64Array,
  grad: Float64Array,
): void {
  for (let s = starts.length - 1; s >= 0; s--) {
    const pc = starts[s];
    const op = program[pc];
    const out = program[pc + 1];
    if (op === Instruction.Group) {
      groupBackward(program, pc, constants, data, grad);
      continue;
    }
    if (op >= Instruction.Sum) {
      sumBackward(program, pc, constants, data, grad, sumGradient(program, pc, data, grad));
      continue;
    }
    const g = grad[out];
    const ia = program[pc + 2];
    switch (op) {
      case Instruction.Neg:
        grad[ia] -= g;
        break;
      case Instruction.Relu:
        if (data[out] > 0) grad[ia] += g;
        break;
      case Instruction.Tanh:
        grad[ia] += (1 - data[out] * data[out]) * g;
        break;
      case Instruction.Sigmoid:
        grad[ia] += data[out] * (1 - data[out]) * g;
        break;
      case Instruction.Exp:
        grad[ia] += data[out] * g;
        break;
      case Instruction.Log:
        grad[ia] += g / data[ia];
        break;
      case Instruction.AddConstant:
      case Instruction.SubConstant:
        grad[ia] += g;
        break;
      case Instruction.ConstantSub:
        grad[ia] -= g;
        break;
      case Instruction.MulConstant:
        grad[ia] += constants[program[pc + 3]] * g;
        break;
      case Instruction.DivConstant:
        grad[ia] += g / constants[program[pc + 3]];
        break;
      case Instruction.ConstantDiv:
        grad[ia] -= (data[out] / data[ia]) * g;
        break;
      case Instruction.PowConstant: {
        const k = constants[program[pc + 3]];
        if (k !== 0) grad[ia] += k * data[ia] ** (k - 1) * g;
        break;
      }
      case Instruction.ConstantPow: {
        const k = constants[program[pc + 3]];
        grad[ia] += (data[out] === 0 ? 0 : data[out] * Math.log(k)) * g;
        break;
      }
      case Instruction.Add: {
        grad[ia] += g;
        grad[program[pc + 3]] += g;
        break;
      }
      case Instruction.Sub:
        grad[ia] += g;
        grad[program[pc + 3]] -= g;
        break;
      case Instruction.Mul: {
        const ib = program[pc + 3];
        grad[ia] += data[ib] * g;
        grad[ib] += data[ia] * g;
        break;
      }
      case Instruction.Div: {
        const ib = program[pc + 3];
        grad[ia] += g / data[ib];
        grad[ib] -= (data[out] / data[ib]) * g;
        break;
      }
      case Instruction.Pow: {
        const ib = program[pc + 3];
        grad[ia] += data[ib] * data[ia] ** (data[ib] - 1) * g;
        grad[ib] += (data[out] === 0 ? 0 : data[out] * Math.log(data[ia])) * g;
        break;
      }
    }
  }
}

/**
 * A group's forward (see groupSums): its sums four at a time, each with a total of its own. A
 * sum's additions must follow one another, in eager's order, and each waits for the one
 * before; four independent chains of them overlap in the CPU, as four points do in the
 * hand-written floor. Each total adds its terms exactly as sumForward does.
 */
function groupForward(
  program: Int32Array,
  pc: number,
  constants: Float64Array,
  data: Float64Array,
): number {
  const count = program[pc + 1];
  let p0 = pc + 3;
  const size = sumInstructionEnd(program, p0) - p0;
  const runsEnd = 4 + 4 * program[p0 + 3];
  let m = 0;
  for (; m + 4 <= count; m += 4, p0 += 4 * size) {
    const p1 = p0 + size;
    const p2 = p1 + size;
    const p3 = p2 + size;
    let t0 = constants[program[p0 + 2]];
    let t1 = constants[program[p1 + 2]];
    let t2 = constants[program[p2 + 2]];
    let t3 = constants[program[p3 + 2]];
    for (let at = 4; at < runsEnd; at += 4) {
      const length = program[p0 + at + 1];
      const a0 = program[p0 + at + 2];
      const a1 = program[p1 + at + 2];
      const a2 = program[p2 + at + 2];
      const a3 = program[p3 + at + 2];
      const b0 = program[p0 + at + 3];
      const b1 = program[p1 + at + 3];
      const b2 = program[p2 + at + 3];
      const b3 = program[p3 + at + 3];
      switch (program[p0 + at]) {
        case Run.Plain:
          for (let k = 0; k < length; k++) {
            t0 += data[a0 + k];
            t1 += data[a1 + k];
            t2 += data[a2 + k];
            t3 += data[a3 + k];
          }
          break;
        case Run.Constant:
          for (let k = 0; k < length; k++) {
            t0 += constants[b0 + k];
            t1 += constants[b1 + k];
            t2 += constants[b2 + k];
            t3 += constants[b3 + k];
          }
          break;
        case Run.Product:
          if (b0 === b1 && b0 === b2 && b0 === b3) {
            // One input for all four (a layer's neurons, one point): loaded once.
            for (let k = 0; k < length; k++) {
              const x = data[b0 + k];
              t0 += data[a0 + k] * x;
              t1 += data[a1 + k] * x;
              t2 += data[a2 + k] * x;
              t3 += data[a3 + k] * x;
            }
            break;
          }
          for (let k = 0; k < length; k++) {
            t0 += data[a0 + k] * data[b0 + k];
            t1 += data[a1 + k] * data[b1 + k];
            t2 += data[a2 + k] * data[b2 + k];
            t3 += data[a3 + k] * data[b3 + k];
          }
          break;
        case Run.ProductConstant:
          for (let k = 0; k < length; k++) {
            t0 += data[a0 + k] * constants[b0 + k];
            t1 += data[a1 + k] * constants[b1 + k];
            t2 += data[a2 + k] * constants[b2 + k];
            t3 += data[a3 + k] * constants[b3 + k];
          }
          break;
      }
    }
    storeSum(program, p0, size, data, t0);
    storeSum(program, p1, size, data, t1);
    storeSum(program, p2, size, data, t2);
    storeSum(program, p3, size, data, t3);
  }
  for (; m < count; m++, p0 += size) {
    storeSum(program, p0, size, data, sumForward(program, p0, constants, data));
  }
  return p0;
}

/**
 * A group's backward (see groupSums), when its writes allow (see writesApartInGroup): its sums
 * four at a time from the last, each term's writes from the last of the four to the first,
 * which keeps every gradient's additions in the order of the sums run one after another. The
 * sums' gradient updates then overlap in the CPU, and a layer's input gradient is loaded and
 * stored once for four neurons instead of once for each.
 *
 * Four sums whose backward all change nothing are skipped; otherwise all four run, since
 * a sum that changes nothing (see changesNothing) adds only ±0, which leaves each gradient as
 * it is. The sums left over (fewer than four, at the group's start) run one by one.
 */
function groupBackward(
  program: Int32Array,
  pc: number,
  constants: Float64Array,
  data: Float64Array,
  grad: Float64Array,
): void {
  const count = program[pc + 1];
  const first = pc + 3;
  const size = sumInstructionEnd(program, first) - first;
  const runsEnd = 4 + 4 * program[first + 3];
  let m = count;
  for (; m >= 4; m -= 4) {
    const p3 = first + (m - 1) * size;
    const p2 = p3 - size;
    const p1 = p2 - size;
    const p0 = p1 - size;
    const g3 = sumGradient(program, p3, data, grad);
    const g2 = sumGradient(program, p2, data, grad);
    const g1 = sumGradient(program, p1, data, grad);
    const g0 = sumGradient(program, p0, data, grad);
    if (
      changesNothing(program, p3, data, g3) &&
      changesNothing(program, p2, data, g2) &&
      changesNothing(program, p1, data, g1) &&
      changesNothing(program, p0, data, g0)
    ) {
      continue;
    }
    for (let at = 4; at < runsEnd; at += 4) {
      const length = program[p0 + at + 1];
      const a0 = program[p0 + at + 2];
      const a1 = program[p1 + at + 2];
      const a2 = program[p2 + at + 2];
      const a3 = program[p3 + at + 2];
      const b0 = program[p0 + at + 3];
      const b1 = program[p1 + at + 3];
      const b2 = program[p2 + at + 3];
      const b3 = program[p3 + at + 3];
      switch (program[p0 + at]) {
        case Run.Plain:
          for (let k = 0; k < length; k++) {
            grad[a3 + k] += g3;
            grad[a2 + k] += g2;
            grad[a1 + k] += g1;
            grad[a0 + k] += g0;
          }
          break;
        case Run.Product:
          if (b0 === b1 && b0 === b2 && b0 === b3) {
            // One input for all four (a layer's neurons, one point): its gradient loaded once.
            for (let k = 0; k < length; k++) {
              const x = data[b0 + k];
              grad[a3 + k] += x * g3;
              grad[a2 + k] += x * g2;
              grad[a1 + k] += x * g1;
              grad[a0 + k] += x * g0;
              let gx = grad[b0 + k];
              gx += data[a3 + k] * g3;
              gx += data[a2 + k] * g2;
              gx += data[a1 + k] * g1;
              gx += data[a0 + k] * g0;
              grad[b0 + k] = gx;
            }
            break;
          }
          for (let k = 0; k < length; k++) {
            grad[a3 + k] += data[b3 + k] * g3;
            grad[b3 + k] += data[a3 + k] * g3;
            grad[a2 + k] += data[b2 + k] * g2;
            grad[b2 + k] += data[a2 + k] * g2;
            grad[a1 + k] += data[b1 + k] * g1;
            grad[b1 + k] += data[a1 + k] * g1;
            grad[a0 + k] += data[b0 + k] * g0;
            grad[b0 + k] += data[a0 + k] * g0;
          }
          break;
        case Run.ProductConstant:
          for (let k = 0; k < length; k++) {
            grad[a3 + k] += constants[b3 + k] * g3;
            grad[a2 + k] += constants[b2 + k] * g2;
            grad[a1 + k] += constants[b1 + k] * g1;
            grad[a0 + k] += constants[b0 + k] * g0;
          }
          break;
      }
    }
  }
  for (let p = first + (m - 1) * size; m > 0; m--, p -= size) {
    sumBackward(program, p, constants, data, grad, sumGradient(program, p, data, grad));
  }
}

/** Writes a sum instruction's total, and its relu's if it has one. */
function storeSum(
  program: Int32Array,
  pc: number,
  size: number,
  data: Float64Array,
  total: number,
) {
  data[program[pc + 1]] = total;
  if (program[pc] === Instruction.SumRelu) data[program[pc + size - 1]] = total > 0 ? total : 0;
}

/** A sum instruction's total: its initial constant, then each run's terms, left to right. */
function sumForward(
  program: Int32Array,
  pc: number,
  constants: Float64Array,
  data: Float64Array,
): number {
  let total = constants[program[pc + 2]];
  const end = sumEnd(program, pc);
  for (let at = pc + 4; at < end; at += 4) {
    const length = program[at + 1];
    const a = program[at + 2];
    const b = program[at + 3];
    switch (program[at]) {
      case Run.Plain:
        for (let k = 0; k < length; k++) total += data[a + k];
        break;
      case Run.Constant:
        for (let k = 0; k < length; k++) total += constants[b + k];
        break;
      case Run.Product:
        for (let k = 0; k < length; k++) total += data[a + k] * data[b + k];
        break;
      case Run.ProductConstant:
        for (let k = 0; k < length; k++) total += data[a + k] * constants[b + k];
        break;
    }
  }
  return total;
}

/**
 * A sum instruction's gradient, after its relu's backward if it has one: the sum is the relu's
 * only operand, and the relu the sum's only use.
 */
function sumGradient(
  program: Int32Array,
  pc: number,
  data: Float64Array,
  grad: Float64Array,
): number {
  const out = program[pc + 1];
  if (program[pc] === Instruction.SumRelu) {
    const relu = program[sumEnd(program, pc)];
    if (data[relu] > 0) grad[out] += grad[relu];
  }
  return grad[out];
}

/**
 * Whether a sum's backward, with gradient g, changes no gradient. It does not when g is zero
 * and the sum finite. Then every term is finite (a NaN or infinite term makes the sum NaN or
 * infinite), and so is every operand of a product term (an infinite operand makes the product
 * infinite or NaN), so each contribution is ±0; and adding ±0 leaves a gradient as it is,
 * since a gradient, made by adding to +0, is never -0.
 */
function changesNothing(program: Int32Array, pc: number, data: Float64Array, g: number): boolean {
  return g === 0 && Number.isFinite(data[program[pc + 1]]);
}

/**
 * A sum instruction's backward, with its gradient g: each Value term gets g, and each folded
 * product passes it on to its operands, as the product's own backward would have. Skipped
 * where that changes nothing.
 */
function sumBackward(
  program: Int32Array,
  pc: number,
  constants: Float64Array,
  data: Float64Array,
  grad: Float64Array,
  g: number,
): void {
  if (changesNothing(program, pc, data, g)) return;
  const end = sumEnd(program, pc);
  for (let at = pc + 4; at < end; at += 4) {
    const length = program[at + 1];
    const a = program[at + 2];
    const b = program[at + 3];
    switch (program[at]) {
      case Run.Plain:
        for (let k = 0; k < length; k++) grad[a + k] += g;
        break;
      case Run.Product:
        for (let k = 0; k < length; k++) {
          grad[a + k] += data[b + k] * g;
          grad[b + k] += data[a + k] * g;
        }
        break;
      case Run.ProductConstant:
        for (let k = 0; k < length; k++) grad[a + k] += constants[b + k] * g;
        break;
    }
  }
}
