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

/** An operator on `Value | number` operands, typed as precisely as the operands allow. */
export interface BinaryOperator {
  <V extends ValueLike>(a: V, b: Operand<V>): V;
  <V extends ValueLike>(a: Operand<V>, b: V): V;
  (a: number, b: number): number;
  <V extends ValueLike>(a: Operand<V>, b: Operand<V>): Operand<V>;
}

/**
 * `a <op> b`: the Value's method when either side is a Value (the reverse one when only b is).
 * Otherwise JavaScript's own operator, whatever the operands are: the helper stands in for the
 * operator, so an `any` operand that turns out to be a number, a string or anything else gets
 * exactly what it would have got without gradscript. (A Value meeting something that is not a
 * number is refused by the Value's method, with a message saying what it got.)
 */
function binary(
  method: Method,
  reverse: Reverse,
  operator: (x: never, y: never) => unknown,
): BinaryOperator {
  return (<V>(a: Operand<V>, b: Operand<V>): Operand<V> => {
    if (hasMethod<V>(a, method)) return a[method](b);
    if (hasMethod<V>(b, reverse)) return b[reverse](a as number);
    return operator(a as never, b as never) as Operand<V>;
  }) as BinaryOperator;
}

/** A Value is known by its methods, not by its class: two copies of gradscript work together. */
function hasMethod<V>(x: unknown, method: keyof Methods<V>): x is Methods<V> {
  return (
    typeof x === 'object' && x !== null && typeof (x as Partial<Methods<V>>)[method] === 'function'
  );
}

export const add = binary('add', 'radd', (x: number, y: number) => x + y);
export const sub = binary('sub', 'rsub', (x: number, y: number) => x - y);
export const mul = binary('mul', 'rmul', (x: number, y: number) => x * y);
export const div = binary('div', 'rdiv', (x: number, y: number) => x / y);
export const pow = binary('pow', 'rpow', (x: number, y: number) => x ** y);

export function neg<V extends ValueLike>(a: V): V;
export function neg(a: number): number;
export function neg<V extends ValueLike>(a: Operand<V>): Operand<V>;
export function neg<V extends ValueLike>(a: Operand<V>): Operand<V> {
  return hasMethod<V>(a, 'neg') ? a.neg() : -(a as number);
}

/** What to compare: `a < b` on Values compares their data; anything else compares as it is. */
export function data(a: ValueLike | number): number {
  return hasMethod(a, 'add') && typeof (a as ValueLike).data === 'number'
    ? (a as ValueLike).data
    : (a as number);
}
