/**
 * The interpreter: runs a program (program.ts) over the data and gradient arrays. Each case of
 * the two switches is a copy of an operation's math in engine.ts (its forward, and beside it
 * its `…Backward`), kept here so that a replay is one loop over typed arrays with no call per
 * node; test/tape.test.ts checks for every op code that the copies agree bit for bit.
 */
import { groupBackward, groupForward } from './groups';
import { Instruction, sumEnd } from './program';
import { sumBackward, sumForward, sumGradient } from './sums';

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
