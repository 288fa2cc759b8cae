/**
 * The layout: the data slots of a planned graph (record.ts) and the program (program.ts) that
 * computes them, with its sums grouped (groups.ts).
 */
import { OpCode, type Value } from '../engine';
import { groupSums } from './groups';
import { INSTRUCTION_OF, Instruction, Run } from './program';
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
