/**
 * The helpers that transformed code calls when an operand's static type is a union such as
 * `Value | number`: which method to call is only known at run time.
 *
 * The transformer imports this module as `gradscript/runtime`. It depends on no other file of
 * the package, and it recognises a Value by shape rather than by `instanceof`, so that code
 * compiled against one copy of gradscript works with Values made by another.
 *
 * The helpers' types answer in the user's own types: an operation's result is whatever the
 * operand's method returns (`Value`, for a subclass of Value or a generic constrained to one), or
 * `number` where both operands are numbers. Nothing of this module's own shows up in an inferred
 * type or an emitted declaration.
 */

type Method = 'add' | 'sub' | 'mul' | 'div' | 'pow';
type Reverse = 'radd' | 'rsub' | 'rmul' | 'rdiv' | 'rpow';

/** Something with the method `M`, which takes a number and answers `R`: a Value, seen by one method. */
type With<M extends string, R> = { [K in M]: (other: number) => R };

/** A type that only `any` (and `never`) can be given: no value has this symbol's property. */
declare const anyOnly: unique symbol;
type OnlyAny = { [anyOnly]: never };

/**
 * An operator on `Value | number` operands, typed as precisely as the operands allow. `R` is
 * inferred from the operand's own method, so a union `Value | number` gives `Value | number`,
 * and a type parameter constrained to one gives what its constraint's method returns. An `any`
 * operand gives `any`, unless the other operand is a Value, whose method answers for both.
 */
export interface BinaryOperator<M extends Method, Rev extends Reverse> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (a: OnlyAny, b: With<Rev, unknown> | number | OnlyAny): any;
  /** A Value on the left. */
  <R>(a: With<M, R>, b: With<Rev, unknown> | number): R;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (a: With<M, unknown> | number, b: OnlyAny): any;
  /** A Value on the right: whatever is on the left, the answer is a Value. */
  <R>(a: With<M, R> | number, b: With<Rev, R>): R;
  (a: number, b: number): number;
  <R>(a: With<M, R> | number, b: With<Rev, R> | number): R | number;
}

/**
 * `a <op> b`: the Value's method when either side is a Value (the reverse one when only b is).
 * Otherwise JavaScript's own operator, whatever the operands are: the helper stands in for the
 * operator, so an `any` operand that turns out to be a number, a string or anything else gets
 * exactly what it would have got without gradscript. (A Value meeting something that is not a
 * number is refused by the Value's method, with a message saying what it got.)
 */
function binary<M extends Method, Rev extends Reverse>(
  method: M,
  reverse: Rev,
  operator: (x: never, y: never) => unknown,
): BinaryOperator<M, Rev> {
  return ((a: unknown, b: unknown): unknown => {
    if (hasMethod(a, method)) return a[method](b as number);
    if (hasMethod(b, reverse)) return b[reverse](a as number);
    return operator(a as never, b as never);
  }) as BinaryOperator<M, Rev>;
}

/** A Value is known by its methods, not by its class: two copies of gradscript work together. */
function hasMethod<M extends string>(x: unknown, method: M): x is With<M, unknown> {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Partial<Record<M, unknown>>)[method] === 'function'
  );
}

export const add = binary('add', 'radd', (x: number, y: number) => x + y);
export const sub = binary('sub', 'rsub', (x: number, y: number) => x - y);
export const mul = binary('mul', 'rmul', (x: number, y: number) => x * y);
export const div = binary('div', 'rdiv', (x: number, y: number) => x / y);
export const pow = binary('pow', 'rpow', (x: number, y: number) => x ** y);

type Negatable<R> = { neg(): R };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function neg(a: OnlyAny): any;
export function neg<R>(a: Negatable<R>): R;
export function neg(a: number): number;
export function neg<R>(a: Negatable<R> | number): R | number;
export function neg(a: unknown): unknown {
  return hasMethod(a, 'neg') ? (a as Negatable<unknown>).neg() : -(a as number);
}

/** What to compare: `a < b` on Values compares their data; anything else compares as it is. */
export function data(a: { data: number } | number): number {
  return hasMethod(a, 'add') && typeof (a as { data: unknown }).data === 'number'
    ? (a as { data: number }).data
    : (a as number);
}
