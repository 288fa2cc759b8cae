/**
 * The order backward runs in, with no sort. Nodes are numbered as they are made (`Value.id`),
 * and a node is always made after its operands: counting down from the output visits every
 * node after all of its users. The depth-first sort it replaced (micrograd's `build_topo`,
 * written without recursion) walked the whole graph before any gradient moved; here the queue
 * fills as the gradients flow. A 1e7-node chain's backward took 3.8 s with the sort and 1.2 s
 * this way (`npm run bench`).
 */
import type { Value } from '../engine';
import { OpCode } from './layout';

/**
 * The sweep's queue, kept between sweeps: slot k holds the node made
 * k nodes before the sweep's newest, once a gradient has reached it. A slot is set back to
 * undefined as its node is run, so the array holds no node between sweeps.
 */
const sweepSlots: (Value | undefined)[] = [];
let sweeping = false;
/** Above this many slots the array is dropped after use rather than kept (a 1e7 chain). */
const KEPT_SCRATCH = 1 << 20;
/** How much further back than twice the nodes queued so far a node may be, and not wait in `far`. */
const FAR = 1 << 16;
/**
 * A leaf's mark while a sweep collects the leaves: a leaf met again (every use of a weight is
 * one) is known by it, with no Set. Marks are scratch (layout.ts), 0 or below otherwise; the
 * sweep sets the leaves' marks back to 0 before it returns or throws. The Set this replaced was
 * a third of the time a Tape took to record the moons workload's graph.
 */
const LEAF_MET = 1;

/**
 * Visits every interior node reachable from `root`, newest first: a node is made after its
 * operands, so that is each node after all of its users, a reverse topological order found
 * with no sort. With no `interior` list to fill, this is backward: a node's gradient is set
 * to zero when a user first reaches it, and its `_backward` runs on its visit. Otherwise the
 * nodes go into `interior` and the leaves met into `leaves`, each once, and no gradient changes.
 *
 * The queue is indexed by age relative to the newest node, so a graph made in one go (a
 * training step) fills a dense range. A node far older than the others (a constant made once
 * before a loop) would stretch that range: it waits in `far` until the range is swept, and the
 * sweep goes on from the newest node waiting.
 */
export function sweep(root: Value, interior: Value[] | null, leaves: Value[] | null): void {
  const slots = sweeping ? [] : sweepSlots;
  const outer = sweeping;
  sweeping = true;
  let far: Value[] = [];
  let top = root.id;
  let k = 0;
  let last = 0;
  let queued = 1;
  let farFrom = Infinity;
  slots[0] = root;
  try {
    for (;;) {
      for (; k <= last; k++) {
        const node = slots[k];
        if (node === undefined) continue;
        slots[k] = undefined;
        const id = node.id;
        const code = node.code;
        // The operands: a list's entries, or `operand` then `second` (two), or `operand` (one).
        // One loop for all three, with the queue's state in locals: a function per operand,
        // closing over that state, made backward 8% slower on microgpt's graph.
        const list = code >= OpCode.Sum ? (node.operand as (Value | number)[]) : null;
        const count = list ? list.length : code >= OpCode.Add ? 2 : 1;
        for (let i = 0; i < count; i++) {
          const x = list ? list[i] : i === 0 ? (node.operand as Value) : (node.second as Value);
          if (typeof x === 'number') continue;
          if (x.id >= id) throw cycleError(node);
          if (x.operand === null) {
            // A leaf: nothing to visit. Met before if its mark says so (see `collectLeaves`).
            if (leaves && x.mark !== LEAF_MET) {
              x.mark = LEAF_MET;
              leaves.push(x);
            }
            continue;
          }
          const at = top - x.id;
          if (at < farFrom) {
            if (slots[at] === x) continue; // queued already
            if (at <= 2 * queued + FAR) {
              slots[at] = x;
              if (at > last) last = at;
              queued++;
              if (!interior) x.grad = 0;
              continue;
            }
            farFrom = at;
          }
          if (far.includes(x)) continue;
          far.push(x);
          queued++;
          if (!interior) x.grad = 0;
        }
        if (interior) interior.push(node);
        else node._backward();
      }
      if (far.length === 0) break;
      // On from the newest node left waiting.
      const waiting = far.sort((a, b) => b.id - a.id);
      far = [];
      top = waiting[0].id;
      k = last = 0;
      farFrom = Infinity;
      for (const x of waiting) {
        const at = top - x.id;
        if (at < farFrom && at <= 2 * queued + FAR) {
          slots[at] = x;
          last = at;
        } else {
          far.push(x);
          farFrom = Math.min(farFrom, at);
        }
      }
    }
  } finally {
    if (leaves) for (const leaf of leaves) leaf.mark = 0;
    sweeping = outer;
    if (slots.length > KEPT_SCRATCH) slots.length = 0;
    else slots.fill(undefined, k, last + 1);
  }
}

/**
 * A node's operands are made before it, so an operand made after its user can only come from
 * changing the engine's fields behind its back, as a cycle does.
 */
function cycleError(node: Value): Error {
  const name = node.label ? `'${node.label}' ` : '';
  return new Error(
    `the graph has a cycle through ${name}${node} (op '${node.op}'): a node cannot depend on itself, nor on a node made after it`,
  );
}
