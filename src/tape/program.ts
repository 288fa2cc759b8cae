/**
 * The Tape's program: what the layout (layout.ts) writes and the interpreter (interpret.ts)
 * runs. A program is a flat Int32Array of instructions, each followed by its operands: data
 * slots (indices into the data and gradient arrays) or indices into the constants.
 */
import { OpCode } from '../engine/layout';

/** The instructions, each followed in the program by its operands: data slots or constants. */
export const enum Instruction {
  // [instruction, out, a]
  Neg,
  Relu,
  Tanh,
  Sigmoid,
  Exp,
  Log,
  // [instruction, out, a, constant]
  AddConstant,
  SubConstant,
  ConstantSub,
  MulConstant,
  DivConstant,
  ConstantDiv,
  PowConstant,
  ConstantPow,
  // [instruction, out, a, b]
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  // [instruction, out, initial constant, run count, (run kind, length, a, b) for each run]
  Sum,
  // The same, then the slot of the relu applied to the sum.
  SumRelu,
  // [instruction, count, together], then `count` sums of one shape (see `groupSums`). Forward
  // runs them four at a time. Backward does too if `together` is 1: then the group is one entry
  // of `starts`, else each of its sums is.
  Group,
}

/** A run of a sum's terms, contiguous in the data array (and in the constants). */
export const enum Run {
  /** data[a + k] */
  Plain,
  /** constants[b + k] */
  Constant,
  /** data[a + k] * data[b + k] */
  Product,
  /** data[a + k] * constants[b + k] */
  ProductConstant,
}

const INSTRUCTIONS: Partial<Record<OpCode, Instruction>> = {
  [OpCode.Neg]: Instruction.Neg,
  [OpCode.Relu]: Instruction.Relu,
  [OpCode.Tanh]: Instruction.Tanh,
  [OpCode.Sigmoid]: Instruction.Sigmoid,
  [OpCode.Exp]: Instruction.Exp,
  [OpCode.Log]: Instruction.Log,
  [OpCode.AddConstant]: Instruction.AddConstant,
  [OpCode.SubConstant]: Instruction.SubConstant,
  [OpCode.ConstantSub]: Instruction.ConstantSub,
  [OpCode.MulConstant]: Instruction.MulConstant,
  [OpCode.DivConstant]: Instruction.DivConstant,
  [OpCode.ConstantDiv]: Instruction.ConstantDiv,
  [OpCode.PowConstant]: Instruction.PowConstant,
  [OpCode.ConstantPow]: Instruction.ConstantPow,
  [OpCode.Add]: Instruction.Add,
  [OpCode.Sub]: Instruction.Sub,
  [OpCode.Mul]: Instruction.Mul,
  [OpCode.Div]: Instruction.Div,
  [OpCode.Pow]: Instruction.Pow,
  [OpCode.Sum]: Instruction.Sum,
  [OpCode.WeightedSum]: Instruction.Sum,
};

/** INSTRUCTIONS as a typed array, -1 where there is none, for the recorder's per-node lookup. */
export const INSTRUCTION_OF = new Int8Array(256).fill(-1);
for (const [code, instruction] of Object.entries(INSTRUCTIONS)) {
  INSTRUCTION_OF[Number(code)] = instruction;
}

/** Where a sum instruction's runs end. */
export function sumEnd(program: Int32Array, pc: number): number {
  return pc + 4 + 4 * program[pc + 3];
}

/** Where a sum instruction ends: after its runs, and its relu's slot if it has one. */
export function sumInstructionEnd(program: Int32Array, pc: number): number {
  return sumEnd(program, pc) + (program[pc] === Instruction.SumRelu ? 1 : 0);
}
