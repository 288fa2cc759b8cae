/**
 * A sum instruction's forward and backward, one sum at a time: what the interpreter
 * (interpret.ts) runs for a Sum or SumRelu, and what a group (groups.ts) runs for the sums left
 * over after its fours.
 */
import { Instruction, Run, sumEnd } from './program';

/** Writes a sum instruction's total, and its relu's if it has one. */
export function storeSum(
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
export function sumForward(
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
export function sumGradient(
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
export function changesNothing(
  program: Int32Array,
  pc: number,
  data: Float64Array,
  g: number,
): boolean {
  return g === 0 && Number.isFinite(data[program[pc + 1]]);
}

/**
 * A sum instruction's backward, with its gradient g: each Value term gets g, and each folded
 * product passes it on to its operands, as the product's own backward would have. Skipped
 * where that changes nothing.
 */
export function sumBackward(
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
