/**
 * Sums computed four at a time. The layout puts consecutive sum instructions of one shape (a
 * layer's neurons, for each point) behind a Group instruction (`groupSums`); the interpreter
 * runs a group's forward (`groupForward`) and, where its writes allow, its backward
 * (`groupBackward`) four sums at a time, each sum still adding in eager's order.
 */
import { Instruction, Run, sumEnd, sumInstructionEnd } from './program';
import { changesNothing, storeSum, sumBackward, sumForward, sumGradient } from './sums';

/**
 * Copies the program into `grouped`, with each stretch of two or more consecutive sum
 * instructions of one shape (the same instruction, and runs of the same kinds and lengths)
 * behind a Group instruction, as long as none reads a slot that one before it in the stretch
 * writes; moves `starts` to the copy, a group that backward runs together as one entry (see
 * `writesApartInGroup`), and returns the copy's length and the number of starts. A layer's
 * neurons make such a stretch, for each point.
 */
export function groupSums(
  program: Int32Array,
  programLength: number,
  starts: Int32Array,
  count: number,
  slotCount: number,
  grouped: Int32Array,
): [number, number] {
  /** For each slot, the first instruction of the stretch that writes it (-1: none yet). */
  const writtenIn = new Int32Array(slotCount).fill(-1);
  /** For each slot, the first instruction of the group whose backward writes its gradient. */
  const gradientIn = new Int32Array(slotCount).fill(-1);
  let length = 0;
  let startCount = 0;
  for (let s = 0; s < count;) {
    const first = starts[s];
    let end = s + 1;
    if (program[first] === Instruction.Sum || program[first] === Instruction.SumRelu) {
      markWrites(program, first, writtenIn, s);
      while (
        end < count &&
        sameShape(program, first, starts[end]) &&
        !readsFrom(program, starts[end], writtenIn, s)
      ) {
        markWrites(program, starts[end++], writtenIn, s);
      }
    }
    // Fewer than four gain nothing from running together: groupBackward runs them one by one.
    const together = end - s >= 4 && writesApartInGroup(program, starts, s, end, gradientIn);
    // Read before `starts` is overwritten below (startCount <= s).
    const from = starts[s];
    const to = end < count ? starts[end] : programLength;
    if (end - s > 1) {
      if (together) starts[startCount++] = length;
      grouped[length++] = Instruction.Group;
      grouped[length++] = end - s;
      grouped[length++] = together ? 1 : 0;
    }
    for (; s < end; s++) if (!together) starts[startCount++] = starts[s] + length - from;
    // A loop, not grouped.set(program.subarray(...)): a subarray for each short copy costs more.
    for (let at = from; at < to; at++) grouped[length++] = program[at];
  }
  return [length, startCount];
}

/**
 * Whether backward may run a group's sums (instructions `starts[s]` to `starts[end - 1]`) four
 * at a time: term by term, each term's writes from the last sum to the first (see
 * `groupBackward`). Run one after another, the sums write all of one sum's terms before the
 * next's; interleaved, a gradient receives its additions in the same order as long as no two
 * terms of the group write it, except terms at the same place in every sum that read the same
 * slots (a layer's neurons all read the layer's inputs): those each place writes from the last
 * sum to the first, as one after another would. Marks each written slot in `gradientIn`.
 */
function writesApartInGroup(
  program: Int32Array,
  starts: Int32Array,
  s: number,
  end: number,
  gradientIn: Int32Array,
): boolean {
  const pc = starts[s];
  const runsEnd = 4 + 4 * program[pc + 3];
  for (let at = 4; at < runsEnd; at += 4) {
    const kind = program[pc + at];
    const length = program[pc + at + 1];
    if (kind === Run.Constant) continue;
    // The run's data operands: `a`, and `b` for a product of two slots.
    for (let operand = 2; operand <= (kind === Run.Product ? 3 : 2); operand++) {
      let shared = true;
      for (let i = s + 1; i < end; i++) {
        if (program[starts[i] + at + operand] !== program[pc + at + operand]) shared = false;
      }
      for (let i = s; i < (shared ? s + 1 : end); i++) {
        const slot = program[starts[i] + at + operand];
        for (let k = 0; k < length; k++) {
          if (gradientIn[slot + k] === s) return false;
          gradientIn[slot + k] = s;
        }
      }
    }
  }
  return true;
}

function sameShape(program: Int32Array, pc: number, other: number): boolean {
  if (program[other] !== program[pc] || program[other + 3] !== program[pc + 3]) return false;
  for (let at = 4; at < 4 + 4 * program[pc + 3]; at += 4) {
    if (program[other + at] !== program[pc + at]) return false; // run kind
    if (program[other + at + 1] !== program[pc + at + 1]) return false; // run length
  }
  return true;
}

function markWrites(program: Int32Array, pc: number, writtenIn: Int32Array, stretch: number) {
  writtenIn[program[pc + 1]] = stretch;
  if (program[pc] === Instruction.SumRelu) writtenIn[program[sumEnd(program, pc)]] = stretch;
}

/** Whether a sum instruction reads a data slot that the stretch has written. */
function readsFrom(
  program: Int32Array,
  pc: number,
  writtenIn: Int32Array,
  stretch: number,
): boolean {
  const end = sumEnd(program, pc);
  for (let at = pc + 4; at < end; at += 4) {
    const kind = program[at];
    const length = program[at + 1];
    if (kind === Run.Constant) continue;
    for (let k = 0; k < length; k++) {
      if (writtenIn[program[at + 2] + k] === stretch) return true;
      if (kind === Run.Product && writtenIn[program[at + 3] + k] === stretch) return true;
    }
  }
  return false;
}

/**
 * A group's forward (see groupSums): its sums four at a time, each with a total of its own. A
 * sum's additions must follow one another, in eager's order, and each waits for the one
 * before; four independent chains of them overlap in the CPU, as four points do in the
 * hand-written floor. Each total adds its terms exactly as sumForward does.
 */
export function groupForward(
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
export function groupBackward(
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
