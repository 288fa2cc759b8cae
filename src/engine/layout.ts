/**
 * How a node is laid out, for speed: what `Value` (engine.ts) is made of below its fields. A
 * training step makes tens of thousands of nodes (microgpt: about 35,000), and what a node
 * costs is measured by `npm run bench -- microgpt`, in time and in memory a node.
 *
 * A Value is a handle: its block and its id. The numbers of 2,048 nodes made one after another
 * sit in one block's typed arrays, so that the garbage collector has one small object a node to
 * move (a handle of four fields) instead of three (a node with two boxed numbers), and the
 * operation is a code in a byte.
 */

/**
 * The operation that made a node. The groups tell the sweep and the Tape where the operands are.
 * Not part of gradscript's API (index.ts does not export it), but in the declarations: the
 * Tape's and the engine's declarations name it.
 */
export enum OpCode {
  Leaf,
  // One operand, in `operand`.
  Neg,
  Relu,
  Tanh,
  Sigmoid,
  Exp,
  Log,
  // One operand in `operand`, and a number in `other`.
  AddConstant,
  /** operand - constant */
  SubConstant,
  /** constant - operand */
  ConstantSub,
  MulConstant,
  /** operand / constant */
  DivConstant,
  /** constant / operand */
  ConstantDiv,
  /** operand ** constant */
  PowConstant,
  /** constant ** operand */
  ConstantPow,
  // Two operands, `operand` and `other`.
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  // A list of operands in `operand`: Value.sum's terms (numbers among them), a weighted sum's
  // bias then each weight and its input (a number or a Value), or a custom operation's children
  // (with its name in `other`).
  Sum,
  WeightedSum,
  Custom,
}

/**
 * How many nodes a block holds. A block lives as long as any of its nodes, so a Value kept
 * alone keeps its block: 2,048 nodes (60 kB) is small enough for that, and large enough that
 * making blocks costs nothing next to making the nodes.
 */
const BLOCK_SIZE = 2048;
/** The bits of an id that give its node's slot in its block. */
export const SLOT = BLOCK_SIZE - 1;

/**
 * The numbers of BLOCK_SIZE nodes made one after another, in one buffer (one allocation a
 * block). A node's handle holds its block. Not part of gradscript's API, as OpCode.
 */
export class Block {
  readonly data: Float64Array;
  readonly grad: Float64Array;
  /** The second operand when it is a number constant (`x * 2`). */
  readonly constant: Float64Array;
  /** Scratch space for code that numbers a graph's nodes (a Tape recording, grad); the engine does not read it. */
  readonly mark: Int32Array;
  readonly code: Uint8Array;
  /** How many of the slots are taken. */
  used = 0;

  /** `first` is the id of the block's first node. */
  constructor(readonly first: number) {
    const buffer = new ArrayBuffer(BLOCK_SIZE * (3 * 8 + 4 + 1));
    this.data = new Float64Array(buffer, 0, BLOCK_SIZE);
    this.grad = new Float64Array(buffer, 8 * BLOCK_SIZE, BLOCK_SIZE);
    this.constant = new Float64Array(buffer, 16 * BLOCK_SIZE, BLOCK_SIZE);
    this.mark = new Int32Array(buffer, 24 * BLOCK_SIZE, BLOCK_SIZE);
    this.code = new Uint8Array(buffer, 28 * BLOCK_SIZE, BLOCK_SIZE);
  }
}

/** The block new nodes go in. */
let current = new Block(0);

/** The block the next node goes in: a new one when the last is full. */
export function blockForNext(): Block {
  if (current.used === BLOCK_SIZE) current = new Block(current.first + BLOCK_SIZE);
  return current;
}

/** The name `op` gives each operation (and `drawDot` shows). */
export const SYMBOLS: Record<OpCode, string> = {
  [OpCode.Leaf]: '',
  [OpCode.Neg]: 'neg',
  [OpCode.Relu]: 'relu',
  [OpCode.Tanh]: 'tanh',
  [OpCode.Sigmoid]: 'sigmoid',
  [OpCode.Exp]: 'exp',
  [OpCode.Log]: 'log',
  [OpCode.AddConstant]: '+',
  [OpCode.SubConstant]: '-',
  [OpCode.ConstantSub]: '-',
  [OpCode.MulConstant]: '*',
  [OpCode.DivConstant]: '/',
  [OpCode.ConstantDiv]: '/',
  [OpCode.PowConstant]: '**',
  [OpCode.ConstantPow]: '**',
  [OpCode.Add]: '+',
  [OpCode.Sub]: '-',
  [OpCode.Mul]: '*',
  [OpCode.Div]: '/',
  [OpCode.Pow]: '**',
  [OpCode.Sum]: 'sum',
  [OpCode.WeightedSum]: 'w·x+b',
  [OpCode.Custom]: '',
};
