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
 *   change a bit of any gradient (see `changesNothing`, interpret.ts).
 * - Forward computes consecutive sums of one shape (a layer's neurons) four at a time, so that
 *   their chains of additions overlap in the CPU; each still adds in eager's order (see
 *   `groupForward`, interpret.ts). Backward runs them four at a time too where their writes
 *   interleave without reordering any gradient's additions (see `groupBackward`).
 * Folding moves work in time (a product's backward runs with its sum's), and floating-point
 * addition is not associative, so a fold is kept only where it leaves every gradient's
 * additions in eager's order (see `Recorder`, record.ts).
 *
 * Recording is meant to cost little next to a few replays, so it is written as a handful of
 * passes over typed arrays indexed by node position: no object, array, Map or closure per node
 * (on a graph of tens of thousands of nodes, growing a JS array or a Map costs more than all the
 * passes together), and the arrays themselves are kept from one recording to the next.
 *
 * The parts, each importing only those before it: program.ts (the instructions), record.ts
 * (the graph sorted into typed arrays, and the plan of what folds into which sum), layout.ts
 * (the data slots, the program, and which sums run four at a time), interpret.ts (a replay:
 * the forward and backward switches, sums alone and four at a time), and this file, the API.
 */
import type { Value } from '../engine';
import { runBackward, runForward } from './interpret';
import { type Layout, layOut } from './layout';
import { isAddition, isProduct, record } from './record';

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

  private constructor(
    private readonly output: Value,
    layout: Layout,
  ) {
    this.program = layout.program;
    this.starts = layout.starts;
    this.constants = layout.constants;
    this.data = new Float64Array(layout.slotCount);
    this.grad = new Float64Array(layout.slotCount);
    this.leaves = layout.leaves;
    this.leafSlots = layout.leafSlots;
    this.slotOf = layout.slotOf;
    this.outputSlot = layout.slotOf[layout.slotOf.length - 1];
  }

  /** Records the graph that `output` ends, as it is now. */
  static record(output: Value): Tape {
    return new Tape(output, record(output, layOut));
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
    runForward(program, constants, data);
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
    runBackward(program, starts, constants, data, grad);
    for (let i = 0; i < leaves.length; i++) leaves[i].grad += grad[leafSlots[i]];
  }
}
