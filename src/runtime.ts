/**
 * The helpers that transformed code calls when an operand's static type is a union such as
 * `Value | number`: which method to call is only known at run time.
 *
 * The transformer imports this module as `gradscript/runtime`. It depends on no other file of
 * the package, and it recognises a Value by shape rather than by `instanceof`, so that code
 * compiled against one copy of gradscript works with Values made by another.
 */

/** What the helpers need of a Value. */
export interface ValueLike {
  data: number;
  add(other: number): ValueLike;
  radd(other: number): ValueLike;
}

type Operand<V> = V | number;

interface Methods<V> {
  add(other: Operand<V>): V;
  sub(other: Operand<V>): V;
  mul(other: Operand<V>): V;
  div(other: Operand<V>): V;
  pow(other: Operand<V>): V;
  radd(other: number): V;
  rsub(other: number): V;
  rmul(other: number): V;
  rdiv(other: number): V;
  rpow(other: number): V;
  neg(): V;
}

type Method = 'add' | 'sub' | 'mul' | 'div' | 'pow';
type Reverse = 'radd' | 'rsub' | 'rmul' | 'rdiv' | 'rpow';

function isNumber(x: unknown): x is number {
  return typeof x === 'number';
}

/** An operator on `Value | number` operands, typed as precisely as the operands allow. */
export interface BinaryOperator {
  <V extends ValueLike>(a: V, b: Operand<V>): V;
  <V extends ValueLike>(a: Operand<V>, b: V): V;
  (a: number, b: number): number;
  <V extends ValueLike>(a: Operand<V>, b: Operand<V>): Operand<V>;
}

/** `a <op> b`: the Value's method when either side is a Value (the reverse one when only b is), else plain arithmetic. */
function binary(
  method: Method,
  reverse: Reverse,
  numbers: (x: number, y: number) => number,
): BinaryOperator {
  return (<V>(a: Operand<V>, b: Operand<V>): Operand<V> => {
    if (!isNumber(a)) return asValue(a, method)[method](b);
    if (!isNumber(b)) return asValue(b, reverse)[reverse](a);
    return numbers(a, b);
  }) as BinaryOperator;
}

function asValue<V>(x: V, method: string): Methods<V> {
  const candidate = x as Partial<Methods<V>> | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate[method as keyof Methods<V>] !== 'function'
  ) {
    throw new TypeError(`gradscript: expected a Value or a number, got ${describe(x)}`);
  }
  return candidate as Methods<V>;
}

function describe(x: unknown): string {
  return x === null ? 'null' : typeof x;
}

export const add = binary('add', 'radd', (x, y) => x + y);
export const sub = binary('sub', 'rsub', (x, y) => x - y);
export const mul = binary('mul', 'rmul', (x, y) => x * y);
export const div = binary('div', 'rdiv', (x, y) => x / y);
export const pow = binary('pow', 'rpow', (x, y) => x ** y);

export function neg<V extends ValueLike>(a: V): V;
export function neg(a: number): number;
export function neg<V extends ValueLike>(a: Operand<V>): Operand<V>;
export function neg<V extends ValueLike>(a: Operand<V>): Operand<V> {
  return isNumber(a) ? -a : asValue(a, 'neg').neg();
}

/** The number to compare: `a < b` on Values compares their data. */
export function data(a: ValueLike | number): number {
  if (isNumber(a)) return a;
  if (a === null || typeof a !== 'object' || typeof a.data !== 'number') {
    throw new TypeError(`gradscript: cannot compare ${describe(a)} with a number`);
  }
  return a.data;
}
