/**
 * The layout: the data slots of a planned graph (record.ts) and the program (program.ts) that
 * computes them. Consecutive sums of one shape go behind a Group instruction (`groupSums`), for
 * the interpreter to run four at a time.
 */
import type { Value } from '../engine';
import { OpCode } from '../engine/layout';
import { INSTRUCTION_OF, Instruction, Run, sumEnd } from './program';
import { grown, type Recorder } from './record';

/** What a Tape replays: a program over `slotCount` data slots. */
export interface Layout {
  /**
   * The instructions and their operands, in the order forward runs them, and the Group
   * instructions that tell forward which sums to compute together.
   */
  program: Int32Array;
  /**
   * Where each instruction starts in `program`, a group that backward runs together counting as
   * one: backward walks them from the last.
   */
  starts: Int32Array;
  constants: Float64Array;
  slotCount: number;
  leaves: Value[];
  leafSlots: Int32Array;
  /** Each recorded node's slot, by its place in the topological order (-1: folded into a sum). */
  slotOf: Int32Array;
}

/** Lays out the data slots and writes the program for the graph `r` has planned. */
export function layOut(r: Recorder): Layout {
  const n = r.nodeCount;
  const { code, first, second, constantOf, computedBy, sumAt, reluOfSum, sumOfRelu } = r;
  const { termKind, termA, termB, termConstant } = r;

  // Slots: first the terms of each sum, run by run, so that a run's nodes are contiguous
  // where they can be; then every other node, in topological order. The same loop bounds
  // the program's and the constants' lengths, for the arrays they are written into.
  const slotOf = new Int32Array(n).fill(-1);
  let slotCount = 0;
  let programBound = 4 * n;
  let constantBound = n;
  for (let i = 0; i < n; i++) {
    const s = sumAt[i];
    if (s < 0) continue;
    const termEnd = r.sumTermEnd[s];
    programBound += 1 + 4 * (termEnd - r.sumTermStart[s]);
    constantBound += termEnd - r.sumTermStart[s];
    for (let start = r.sumTermStart[s], end = 0; start < termEnd; start = end) {
      end = runEnd(r, start, termEnd, undefined);
      const kind = termKind[start];
      if (kind !== Run.Constant) slotCount = layOutRun(termA, start, end, slotOf, slotCount);
      if (kind === Run.Product) slotCount = layOutRun(termB, start, end, slotOf, slotCount);
    }
  }
  for (let i = 0; i < n; i++) if (computedBy[i] === i && slotOf[i] < 0) slotOf[i] = slotCount++;

  const program = (r.program = grown(r.program, programBound));
  const starts = (r.starts = grown(r.starts, n));
  const constants = (r.constants = grown(r.constants, constantBound));
  let pc = 0;
  let instructionCount = 0;
  let constantCount = 0;
  const leaves = new Array<Value>(r.leafCount);
  const leafSlots = new Int32Array(r.leafCount);
  let leafCount = 0;
  for (let i = 0; i < n; i++) {
    if (computedBy[i] !== i) continue; // folded into a sum
    if (code[i] === OpCode.Leaf) {
      leaves[leafCount] = r.order[i]!;
      leafSlots[leafCount++] = slotOf[i];
      continue;
    }
    if (sumOfRelu[i] >= 0) continue; // computed by its sum's instruction
    starts[instructionCount++] = pc;
    const s = sumAt[i];
    if (s >= 0) {
      const relu = reluOfSum[i];
      program[pc++] = relu < 0 ? Instruction.Sum : Instruction.SumRelu;
      program[pc++] = slotOf[i];
      constants[constantCount] = r.sumInitial[s];
      program[pc++] = constantCount++;
      const runCount = pc++;
      program[runCount] = 0;
      // Runs end where the slots stop being contiguous; a run's constants are laid out together.
      const termEnd = r.sumTermEnd[s];
      for (let start = r.sumTermStart[s], end = 0; start < termEnd; start = end) {
        end = runEnd(r, start, termEnd, slotOf);
        const kind = termKind[start];
        const withConstants = kind === Run.Constant || kind === Run.ProductConstant;
        program[pc++] = kind;
        program[pc++] = end - start;
        program[pc++] = kind === Run.Constant ? 0 : slotOf[termA[start]];
        program[pc++] = withConstants
          ? constantCount
          : kind === Run.Product
            ? slotOf[termB[start]]
            : 0;
        if (withConstants)
          for (let t = start; t < end; t++) constants[constantCount++] = termConstant[t];
        program[runCount]++;
      }
      if (relu >= 0) program[pc++] = slotOf[relu];
      continue;
    }
    const instruction = INSTRUCTION_OF[code[i]];
    program[pc++] = instruction;
    program[pc++] = slotOf[i];
    program[pc++] = slotOf[first[i]];
    if (instruction >= Instruction.Add) program[pc++] = slotOf[second[i]];
    else if (instruction >= Instruction.AddConstant) {
      constants[constantCount] = constantOf[i];
      program[pc++] = constantCount++;
    }
  }
  // The Tape keeps this array, so it is made anew for each recording (copying it out at its
  // final length would cost more than the room it saves): it holds the program and a group
  // header (three entries) for at most every other instruction.
  const grouped = new Int32Array(pc + 2 * instructionCount);
  const [length, startCount] = groupSums(program, pc, starts, instructionCount, slotCount, grouped);
  return {
    program: grouped.subarray(0, length),
    starts: starts.slice(0, startCount),
    constants: constants.slice(0, constantCount),
    slotCount,
    leaves,
    leafSlots,
    slotOf,
  };
}

/**
 * Where the run of terms that starts at `start` ends (by `end` at the latest): consecutive
 * terms of one kind, and, if `slotOf` is given, in consecutive slots.
 */
function runEnd(r: Recorder, start: number, end: number, slotOf: Int32Array | undefined): number {
  const { termKind: kind, termA: a, termB: b } = r;
  let t = start + 1;
  for (; t < end && kind[t] === kind[start]; t++) {
    if (!slotOf || kind[t] === Run.Constant) continue;
    if (slotOf[a[t]] !== slotOf[a[t - 1]] + 1) break;
    if (kind[t] === Run.Product && slotOf[b[t]] !== slotOf[b[t - 1]] + 1) break;
  }
  return t;
}

/**
 * Gives the nodes of a run (nodes[start] to nodes[end - 1]) consecutive slots from `next`,
 * unless one has a slot already or comes twice; returns the next free slot.
 */
function layOutRun(
  nodes: Int32Array,
  start: number,
  end: number,
  slotOf: Int32Array,
  next: number,
): number {
  let t = start;
  for (; t < end && slotOf[nodes[t]] === -1; t++) {
    slotOf[nodes[t]] = -2; // taken by this run, so that a node twice in it is found
  }
  const free = t === end;
  for (let k = start; k < t; k++) slotOf[nodes[k]] = free ? next++ : -1;
  return next;
}

/**
 * Copies the program into `grouped`, with each stretch of two or more consecutive sum
 * instructions of one shape (the same instruction, and runs of the same kinds and lengths)
 * behind a Group instruction, as long as none reads a slot that one before it in the stretch
 * writes; moves `starts` to the copy, a group that backward runs together as one entry (see
 * `writesApartInGroup`), and returns the copy's length and the number of starts. A layer's
 * neurons make such a stretch, for each point.
 */
function groupSums(
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
 * `groupBackward`, interpret.ts). Run one after another, the sums write all of one sum's terms
 * before the next's; interleaved, a gradient receives its additions in the same order as long
 * as no two terms of the group write it, except terms at the same place in every sum that read
 * the same slots (a layer's neurons all read the layer's inputs): those each place writes from
 * the last sum to the first, as one after another would. Marks each written slot in
 * `gradientIn`.
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
