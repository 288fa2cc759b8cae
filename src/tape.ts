/**
 * A Tape records one graph's shape once and replays it: forward from the leaves' current data,
 * backward into the leaves' gradients, over flat typed arrays instead of a fresh graph of
 * objects and closures each step. A tape replays one fixed graph shape: the same operations
 * on the same leaves. Data-dependent ops (relu) are recomputed each replay, so they follow the
 * new data; code that would build a different graph for other data (an `if` on a value) needs
 * a new recording.
 *
 * Replay computes what eager forward and backward() compute, bit for bit, with fewer and
 * tighter instructions than there are nodes:
 * - A sum (Value.sum, or a chain built by `loss = loss + term`) is one instruction, and the
 *   products among its terms that nothing else uses are folded into it. A neuron's weighted sum
 *   becomes a dot product over contiguous ranges of the data array, as hand-written code would
 *   lay it out. Forward adds the terms in eager's order; backward scatters both partials.
 * - Number operands are constants of their instruction; a relu that is a sum's only use is
 *   computed by the sum's instruction.
 * - Backward skips a sum whose gradient is zero (behind a relu that is off), where that cannot
 *   change a bit of any gradient (see `changesNothing`).
 * - Forward computes consecutive sums of one shape (a layer's neurons) four at a time, so that
 *   their chains of additions overlap in the CPU; each still adds in eager's order (see
 *   `groupForward`). Backward runs them four at a time too where their writes interleave
 *   without reordering any gradient's additions (see `groupBackward`).
 * Folding moves work in time (a product's backward runs with its sum's), and floating-point
 * addition is not associative, so a fold is kept only where it leaves every gradient's
 * additions in eager's order (see `Recorder`).
 *
 * Recording is meant to cost little next to a few replays, so it is written as a handful of
 * passes over typed arrays indexed by node position: no object, array, Map or closure per node
 * (on a graph of tens of thousands of nodes, growing a JS array or a Map costs more than all the
 * passes together), and the arrays themselves are kept from one recording to the next.
 */
import { OpCode, type Value } from './engine';

/** The instructions, each followed in the program by its operands: data slots or constants. */
const enum Instruction {
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
const enum Run {
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
const INSTRUCTION_OF = new Int8Array(256).fill(-1);
for (const [code, instruction] of Object.entries(INSTRUCTIONS)) {
  INSTRUCTION_OF[Number(code)] = instruction;
}

export class Tape {
  /**
   * The instructions and their operands, in the order forward runs them, and the Group
   * instructions that tell forward which sums to compute together.
   */
  private readonly program: Int32Array;
  /**
   * Where each instruction starts in `program`, a group that backward runs together counting as
   * one: backward walks them from the last.
   */
  private readonly starts: Int32Array;
  private readonly constants: Float64Array;
  private readonly data: Float64Array;
  private readonly grad: Float64Array;
  private readonly leaves: Value[];
  private readonly leafSlots: Int32Array;
  /** Each recorded node's slot, by its place in the topological order (-1: folded into a sum). */
  private readonly slotOf: Int32Array;
  /** Each recorded node's place in the topological order, made when read() first needs it. */
  private positions?: Map<Value, number>;
  private readonly outputSlot: number;

  /** Lays out the data slots and writes the program for the graph `r` has planned. */
  private constructor(
    private readonly output: Value,
    r: Recorder,
  ) {
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
        if (kind !== Run.Constant) slotCount = layOut(termA, start, end, slotOf, slotCount);
        if (kind === Run.Product) slotCount = layOut(termB, start, end, slotOf, slotCount);
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
    const [length, startCount] = groupSums(
      program,
      pc,
      starts,
      instructionCount,
      slotCount,
      grouped,
    );
    this.program = grouped.subarray(0, length);
    this.starts = starts.slice(0, startCount);
    this.constants = constants.slice(0, constantCount);
    this.data = new Float64Array(slotCount);
    this.grad = new Float64Array(slotCount);
    this.leaves = leaves;
    this.leafSlots = leafSlots;
    this.slotOf = slotOf;
    this.outputSlot = slotOf[n - 1];
  }

  /** Records the graph that `output` ends, as it is now. */
  static record(output: Value): Tape {
    // The recorder's arrays are kept for the next recording, unless this graph made them huge.
    const recorder = keptRecorder ?? new Recorder();
    keptRecorder = undefined;
    try {
      recorder.plan(output);
      return new Tape(output, recorder);
    } finally {
      recorder.release();
      if (recorder.capacity <= KEPT_NODES) keptRecorder = recorder;
    }
  }

  /**
   * A recorded node's data as of the last forward(): the Value objects themselves keep what
   * they had when recorded. A node folded into a sum is computed again from its operands, as
   * the sum's instruction computed it.
   */
  read(node: Value): number {
    const at = this.positionOf(node);
    if (at === undefined) throw new Error('that Value is not part of this tape');
    if (this.slotOf[at] >= 0) return this.data[this.slotOf[at]];
    if (isProduct(node.code)) return this.read(node.operand as Value) * this.valueOf(node.other);
    // A link of an addition chain: down to the chain's first operand, then add back up.
    const links: Value[] = [];
    let x = node;
    for (; this.slotOf[this.positionOf(x)!] < 0 && isAddition(x.code); x = x.operand as Value) {
      links.push(x);
    }
    let total = this.read(x);
    for (let k = links.length - 1; k >= 0; k--) total += this.valueOf(links[k].other);
    return total;
  }

  private positionOf(node: Value): number | undefined {
    if (!this.positions) {
      // The recorder's order is the engine's topological order (see Recorder.sort), and a
      // node's operands never change, so sorting again gives every node its recorded place.
      const positions = (this.positions = new Map());
      this.output.topologicalOrder().forEach((v, i) => positions.set(v, i));
    }
    return this.positions.get(node);
  }

  private valueOf(operand: Value['other']): number {
    return typeof operand === 'number' ? operand : this.read(operand as Value);
  }

  /** Recomputes every node from the leaves' current data; returns the output's new data. */
  forward(): number {
    const { program, constants, data, leaves, leafSlots } = this;
    for (let i = 0; i < leaves.length; i++) data[leafSlots[i]] = leaves[i].data;
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
    this.output.data = data[this.outputSlot];
    return this.output.data;
  }

  /**
   * Backpropagates from the output, as output.backward() would: interior gradients start from
   * zero, and each leaf's gradient is added to its Value's grad.
   */
  backward(): void {
    const { program, starts, constants, data, grad, leaves, leafSlots } = this;
    grad.fill(0);
    grad[this.outputSlot] = 1;
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
    for (let i = 0; i < leaves.length; i++) leaves[i].grad += grad[leafSlots[i]];
  }
}

/** Where a sum instruction's runs end. */
function sumEnd(program: Int32Array, pc: number): number {
  return pc + 4 + 4 * program[pc + 3];
}

/** Where a sum instruction ends: after its runs, and its relu's slot if it has one. */
function sumInstructionEnd(program: Int32Array, pc: number): number {
  return sumEnd(program, pc) + (program[pc] === Instruction.SumRelu ? 1 : 0);
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
function layOut(
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

/** Value.sum and Value.weightedSum: a list of terms, always one instruction. */
function isSum(code: OpCode): boolean {
  return code === OpCode.Sum || code === OpCode.WeightedSum;
}

function isAddition(code: OpCode): boolean {
  return code === OpCode.Add || code === OpCode.AddConstant;
}

function isProduct(code: OpCode): boolean {
  return code === OpCode.Mul || code === OpCode.MulConstant;
}

/** `array` if it holds `needed` entries, else a copy of it with room for at least that many. */
function grown<T extends Uint8Array | Int32Array | Float64Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const larger = new (array.constructor as new (length: number) => T)(
    Math.max(needed, 2 * array.length),
  );
  larger.set(array);
  return larger;
}

/**
 * The recorder's arrays (some 60 bytes a node) are kept between recordings, as long as they
 * hold no more than this many nodes: a few megabytes, not the hundreds a huge graph needs.
 */
const KEPT_NODES = 1 << 17;
let keptRecorder: Recorder | undefined;

/**
 * Plans a recording: sorts the graph, and decides which nodes fold into which sums. Every array
 * is indexed by a node's position in the topological order (its `mark` while recording), or by
 * a sum, a term or a member of a sum; none is made per node.
 *
 * Eager backward runs the nodes in reverse topological order, so a gradient receives its
 * additions in the order of the nodes that write it; a folded node writes with its sum instead,
 * later in that order. A fold is kept only where that changes nothing:
 * - within one sum, no two terms write the same gradient (their order inside the instruction
 *   then does not matter), except a plain Value.sum, whose terms get the gradient in order;
 * - across instructions, every gradient still receives its writes in eager's order: for each
 *   node, the writers sorted by position must also be sorted by the time they now write.
 * A sum that breaks either rule folds less (no products, then nothing) until none does.
 */
class Recorder {
  /** The nodes in topological order; emptied after each recording, so as not to keep a graph. */
  readonly order: (Value | undefined)[] = [];
  nodeCount = 0;
  leafCount = 0;

  // By node position.
  /** Each node's operation, and its operands by position (-1: none). */
  code = new Uint8Array(0);
  first = new Int32Array(0);
  second = new Int32Array(0);
  /** The number operand of an operation with a constant. */
  constantOf = new Float64Array(0);
  /** A Value.sum's terms, from listStart[i] to listStart[i + 1]: a position, or -1 for a number. */
  private listStart = new Int32Array(1);
  private listNodes = new Int32Array(0);
  private listConstants = new Float64Array(0);
  private listCount = 0;
  /** How many times each node is an operand, and of which node last (its only user if once). */
  private uses = new Int32Array(0);
  private user = new Int32Array(0);
  /**
   * The node whose instruction computes each node, and runs its backward: its sum for a
   * folded node, else the node itself.
   */
  computedBy = new Int32Array(0);
  /** The sum each node is the root of, or -1. */
  sumAt = new Int32Array(0);
  /** A relu that is a sum's only use is recorded with the sum's instruction (-1: none). */
  reluOfSum = new Int32Array(0);
  sumOfRelu = new Int32Array(0);
  /** For writesApart: the gradients written by the sum being checked, by stamp. */
  private written = new Int32Array(0);
  private stamp = 0;
  /** For outOfOrder: the time of the last writer of each node's gradient seen so far. */
  private lastWrite = new Int32Array(0);

  // By sum: a sum's terms are a range of the terms, in the order eager adds them, and the nodes
  // folded into it (chain links and products) a range of the members. A sum unfolded keeps its
  // ranges (they are not reused), so each fold appends.
  sumCount = 0;
  /** Value.sum adds its first term to +0; a chain starts from its first term (-0 adds nothing). */
  sumInitial = new Float64Array(0);
  sumTermStart = new Int32Array(0);
  sumTermEnd = new Int32Array(0);
  private sumMemberStart = new Int32Array(0);
  private sumMemberEnd = new Int32Array(0);

  // By term: term t adds `termKind` (see Run) of nodes termA[t] and termB[t], or termConstant[t].
  private termCount = 0;
  termKind = new Uint8Array(0);
  termA = new Int32Array(0);
  termB = new Int32Array(0);
  termConstant = new Float64Array(0);
  private memberCount = 0;
  private members = new Int32Array(0);

  // The Tape's program is written here first, then copied into the layout with its groups;
  // starts and constants are copied out at their final length.
  program = new Int32Array(0);
  starts = new Int32Array(0);
  constants = new Float64Array(0);

  /** How many nodes the per-node arrays hold. */
  get capacity(): number {
    return this.code.length;
  }

  plan(output: Value): void {
    const n = this.sort(output);
    const { code, computedBy, sumAt, uses, user, reluOfSum, sumOfRelu } = this;
    for (let i = 0; i < n; i++) computedBy[i] = i;
    sumAt.fill(-1, 0, n);
    this.sumCount = this.termCount = this.memberCount = 0;
    // From the output down, so that a chain is found from its last link.
    for (let i = n - 1; i >= 0; i--) {
      if (computedBy[i] === i && (isSum(code[i]) || isAddition(code[i]))) {
        this.fold(i, true);
      }
    }
    for (let root = this.outOfOrder(); root >= 0; root = this.outOfOrder()) this.unfold(root);
    reluOfSum.fill(-1, 0, n);
    sumOfRelu.fill(-1, 0, n);
    for (let root = 0; root < n; root++) {
      if (sumAt[root] >= 0 && uses[root] === 1 && code[user[root]] === OpCode.Relu) {
        reluOfSum[root] = user[root];
        sumOfRelu[user[root]] = root;
      }
    }
  }

  /** Lets go of the recorded graph's nodes. */
  release(): void {
    this.order.fill(undefined, 0, this.nodeCount);
    if (this.order.length > KEPT_NODES) this.order.length = 0;
  }

  /**
   * Puts the nodes reachable from `root` in `order`, children before parents, and returns how
   * many; each node's `mark` becomes -1 - its position, and its operation and operands by
   * position go into the per-node arrays.
   *
   * The order is the engine's topological order, the order the nodes were made in, which
   * Value.backward() runs newest first: replay is bit for bit only if the tape's gradients are
   * written in eager's order. A cycle gets the engine's own error.
   */
  private sort(root: Value): number {
    const sorted = root.topologicalOrder();
    const n = sorted.length;
    const { order } = this;
    let unsupported = -1;
    this.leafCount = this.listCount = 0;
    if (n > this.code.length) this.growNodes(n);
    for (let p = 0; p < n; p++) {
      const node = sorted[p];
      if (!this.place(node, p) && unsupported < 0) unsupported = p;
      order[p] = node;
    }
    this.nodeCount = n;
    this.listStart[n] = this.listCount;
    if (unsupported >= 0) {
      throw new Error(`Tape cannot record the operation '${order[unsupported]!.op}'`);
    }
    return n;
  }

  /**
   * Gives `node` position p: its mark, operation and operands (whose marks are their
   * positions, since they were placed before it). False for an operation the Tape lacks.
   */
  private place(node: Value, p: number): boolean {
    node.mark = -1 - p;
    const c = node.code;
    const { first, second, uses, user } = this;
    this.code[p] = c;
    first[p] = -1;
    second[p] = -1;
    uses[p] = 0;
    this.listStart[p] = this.listCount;
    if (c === OpCode.Leaf) {
      this.leafCount++;
      return true;
    }
    if (INSTRUCTION_OF[c] < 0) return false;
    if (isSum(c)) {
      const list = node.operand as readonly (Value | number)[];
      const at = this.listCount;
      this.listCount += list.length;
      this.listNodes = grown(this.listNodes, this.listCount);
      this.listConstants = grown(this.listConstants, this.listCount);
      const { listNodes, listConstants } = this;
      for (let k = 0; k < list.length; k++) {
        const x = list[k];
        if (typeof x === 'number') {
          listNodes[at + k] = -1;
          listConstants[at + k] = x;
        } else {
          const j = -1 - x.mark;
          listNodes[at + k] = j;
          uses[j]++;
          user[j] = p;
        }
      }
      return true;
    }
    const a = -1 - (node.operand as Value).mark;
    first[p] = a;
    uses[a]++;
    user[a] = p;
    const other = node.other;
    if (typeof other === 'number') this.constantOf[p] = other;
    else if (other !== null) {
      const b = -1 - (other as Value).mark;
      second[p] = b;
      uses[b]++;
      user[b] = p;
    }
    return true;
  }

  /**
   * Makes room in every per-node array for `needed` nodes, and the same room in each: grown
   * one by one, an array that doubled past `needed` would outgrow one that did not.
   */
  private growNodes(needed: number): void {
    const capacity = Math.max(needed, 2 * this.code.length);
    this.code = grown(this.code, capacity);
    this.first = grown(this.first, capacity);
    this.second = grown(this.second, capacity);
    this.constantOf = grown(this.constantOf, capacity);
    this.listStart = grown(this.listStart, capacity + 1);
    this.uses = grown(this.uses, capacity);
    this.user = grown(this.user, capacity);
    this.computedBy = grown(this.computedBy, capacity);
    this.sumAt = grown(this.sumAt, capacity);
    this.reluOfSum = grown(this.reluOfSum, capacity);
    this.sumOfRelu = grown(this.sumOfRelu, capacity);
    this.written = grown(this.written, capacity);
    this.lastWrite = grown(this.lastWrite, capacity);
  }

  /**
   * Makes node i, a sum or an addition, one instruction: with the products among its terms
   * folded in if `products`, and for an addition, with the chain of additions it ends.
   */
  private fold(i: number, products: boolean): void {
    const { code, first, second, constantOf, uses } = this;
    const termStart = this.termCount;
    const memberStart = this.memberCount;
    let initial = 0;
    if (code[i] === OpCode.Sum) {
      for (let t = this.listStart[i]; t < this.listStart[i + 1]; t++) {
        if (this.listNodes[t] >= 0) this.addTerm(this.listNodes[t], products);
        else this.addConstantTerm(this.listConstants[t]);
      }
    } else if (code[i] === OpCode.WeightedSum) {
      // The bias, then a product per weight: the node's own, not folded from other nodes.
      const start = this.listStart[i];
      this.addTerm(this.listNodes[start], products);
      for (let t = start + 1; t < this.listStart[i + 1]; t += 2) {
        this.addProductTerm(this.listNodes[t], this.listNodes[t + 1], this.listConstants[t + 1]);
      }
    } else {
      // A chain ((a + b) + c) + …: its links are additions that only the next link uses. They
      // are the first members, from the last link down.
      initial = -0;
      let start = i;
      while (isAddition(code[first[start]]) && uses[first[start]] === 1) {
        start = first[start];
        this.addMember(start);
      }
      const linksEnd = this.memberCount;
      this.addTerm(first[start], products);
      // Back up the chain, from `start` to i: each link adds its second operand.
      for (let m = linksEnd - 1; m >= memberStart - 1; m--) {
        const link = m >= memberStart ? this.members[m] : i;
        if (code[link] === OpCode.Add) this.addTerm(second[link], products);
        else this.addConstantTerm(constantOf[link]);
      }
      if (this.memberCount === memberStart) {
        this.termCount = termStart; // a lone addition is an instruction of its own
        return;
      }
    }
    const termEnd = this.termCount;
    const memberEnd = this.memberCount;
    // A plain Value.sum writes its terms' gradients in their order, as eager does; any other
    // sum's instruction writes in its own order, so its terms must write apart.
    if (memberEnd > memberStart && !this.writesApart(termStart, termEnd)) {
      this.termCount = termStart;
      this.memberCount = memberStart;
      if (products) this.fold(i, false);
      return;
    }
    for (let m = memberStart; m < memberEnd; m++) this.computedBy[this.members[m]] = i;
    const s = this.sumCount++;
    if (s === this.sumInitial.length) {
      const capacity = 2 * s + 64;
      this.sumInitial = grown(this.sumInitial, capacity);
      this.sumTermStart = grown(this.sumTermStart, capacity);
      this.sumTermEnd = grown(this.sumTermEnd, capacity);
      this.sumMemberStart = grown(this.sumMemberStart, capacity);
      this.sumMemberEnd = grown(this.sumMemberEnd, capacity);
    }
    this.sumInitial[s] = initial;
    this.sumTermStart[s] = termStart;
    this.sumTermEnd[s] = termEnd;
    this.sumMemberStart[s] = memberStart;
    this.sumMemberEnd[s] = memberEnd;
    this.sumAt[i] = s;
  }

  private addMember(j: number): void {
    if (this.memberCount === this.members.length) {
      this.members = grown(this.members, 2 * this.memberCount + 64);
    }
    this.members[this.memberCount++] = j;
  }

  /** The next term, with room made for it. */
  private newTerm(): number {
    const t = this.termCount++;
    if (t === this.termKind.length) {
      const capacity = 2 * t + 64;
      this.termKind = grown(this.termKind, capacity);
      this.termA = grown(this.termA, capacity);
      this.termB = grown(this.termB, capacity);
      this.termConstant = grown(this.termConstant, capacity);
    }
    return t;
  }

  /** Node j as the next term: folded in if it is a product that only this sum uses. */
  private addTerm(j: number, products: boolean): void {
    const { code } = this;
    const t = this.newTerm();
    if (!products || this.uses[j] !== 1 || !isProduct(code[j])) {
      this.termKind[t] = Run.Plain;
      this.termA[t] = j;
      return;
    }
    this.addMember(j);
    this.termA[t] = this.first[j];
    if (code[j] === OpCode.MulConstant) {
      this.termKind[t] = Run.ProductConstant;
      this.termConstant[t] = this.constantOf[j];
    } else {
      this.termKind[t] = Run.Product;
      this.termB[t] = this.second[j];
    }
  }

  /** The product of node w and node x (or, if x is -1, the number k) as the next term. */
  private addProductTerm(w: number, x: number, k: number): void {
    const t = this.newTerm();
    this.termA[t] = w;
    if (x >= 0) {
      this.termKind[t] = Run.Product;
      this.termB[t] = x;
    } else {
      this.termKind[t] = Run.ProductConstant;
      this.termConstant[t] = k;
    }
  }

  private addConstantTerm(k: number): void {
    const t = this.newTerm();
    this.termKind[t] = Run.Constant;
    this.termConstant[t] = k;
  }

  /** Folds less into the sum at root: no products, or (a chain without them) nothing. */
  private unfold(root: number): void {
    const s = this.sumAt[root];
    for (let m = this.sumMemberStart[s]; m < this.sumMemberEnd[s]; m++) {
      this.computedBy[this.members[m]] = this.members[m];
    }
    this.sumAt[root] = -1;
    let hadProducts = false;
    for (let t = this.sumTermStart[s]; t < this.sumTermEnd[s]; t++) {
      const kind = this.termKind[t];
      if (kind === Run.Product || kind === Run.ProductConstant) hadProducts = true;
    }
    if (hadProducts || isSum(this.code[root])) this.fold(root, false);
  }

  /** Whether no two of a sum's terms write the same gradient (a product's two operands may). */
  private writesApart(termStart: number, termEnd: number): boolean {
    const { termKind: kind, termA: a, termB: b, written } = this;
    if (this.stamp === 0x7fffffff) {
      written.fill(0);
      this.stamp = 0;
    }
    const stamp = ++this.stamp;
    for (let t = termStart; t < termEnd; t++) {
      if (kind[t] === Run.Constant) continue;
      if (written[a[t]] === stamp) return false;
      written[a[t]] = stamp;
      if (kind[t] === Run.Product && b[t] !== a[t]) {
        if (written[b[t]] === stamp) return false;
        written[b[t]] = stamp;
      }
    }
    return true;
  }

  /**
   * The root of a sum whose folding has put some gradient's writes out of eager's order, or
   * -1. Eager writes a node's gradient from its writers by descending position; after folding,
   * each writer writes when the instruction that computes it runs. One pass over the writers
   * by position sees each node's writers in order; of the nodes whose writes are out of order,
   * the first by position names the sum to unfold.
   */
  private outOfOrder(): number {
    const n = this.nodeCount;
    const { first, second, listStart, listNodes, computedBy, lastWrite } = this;
    lastWrite.fill(-1, 0, n);
    let node = n;
    let root = -1;
    const wrote = (o: number, time: number) => {
      if (time >= lastWrite[o]) lastWrite[o] = time;
      else if (o < node) {
        node = o;
        root = lastWrite[o]; // the writer computed there moved past this one
      }
    };
    for (let w = 0; w < n; w++) {
      const time = computedBy[w];
      if (first[w] >= 0) wrote(first[w], time);
      if (second[w] >= 0) wrote(second[w], time);
      for (let t = listStart[w]; t < listStart[w + 1]; t++) {
        if (listNodes[t] >= 0) wrote(listNodes[t], time);
      }
    }
    return root;
  }
}
