/**
 * Recording: the graph that an output ends, sorted and copied into typed arrays by node
 * position, and the plan of which nodes fold into which sums (see `Recorder`). The layout
 * (layout.ts) turns a plan into a program.
 */
import type { Value } from '../engine';
import { OpCode } from '../engine/layout';
import { INSTRUCTION_OF, Run } from './program';

/**
 * Plans the graph that `output` ends, as it is now, and hands the plan to `layOut`. The
 * recorder's arrays are kept for the next recording, unless this graph made them huge.
 */
export function record<T>(output: Value, layOut: (plan: Recorder) => T): T {
  const recorder = keptRecorder ?? new Recorder();
  keptRecorder = undefined;
  try {
    recorder.plan(output);
    return layOut(recorder);
  } finally {
    recorder.release();
    if (recorder.capacity <= KEPT_NODES) keptRecorder = recorder;
  }
}

/** Value.sum and Value.weightedSum: a list of terms, always one instruction. */
export function isSum(code: OpCode): boolean {
  return code === OpCode.Sum || code === OpCode.WeightedSum;
}

export function isAddition(code: OpCode): boolean {
  return code === OpCode.Add || code === OpCode.AddConstant;
}

export function isProduct(code: OpCode): boolean {
  return code === OpCode.Mul || code === OpCode.MulConstant;
}

/** `array` if it holds `needed` entries, else a copy of it with room for at least that many. */
export function grown<T extends Uint8Array | Int32Array | Float64Array>(
  array: T,
  needed: number,
): T {
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
export class Recorder {
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
