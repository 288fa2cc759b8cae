/**
 * Numbers as data files and command lines write them. `Number()` also reads `0x1F`, `0b101`,
 * `0o17` and `Infinity`, and reads '' and ' ' as 0: none of these is ever meant as a data value.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** `text` as a finite decimal number, or undefined when it is not one. */
export function readDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Whether `text` is a number in another base (`0x1F`, `0b101`, `0o17`), for the error to say so. */
export function isOtherBase(text: string): boolean {
  return /^\s*[+-]?0[xbo]/i.test(text);
}
