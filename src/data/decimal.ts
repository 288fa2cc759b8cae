/**
 * Numbers as data files and command lines write them. `Number()` also reads `0x1F`, `0b101`,
 * `0o17` and `Infinity`, and reads '' and ' ' as 0: none of these is ever meant as a data value.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
/** A decimal comma, as files separated by semicolons write numbers: `3,5` is 3.5. */
const DECIMAL_COMMA = /^[+-]?(?:\d+,?\d*|,\d+)(?:e[+-]?\d+)?$/i;

/** `text` as a finite decimal number, or undefined when it is not one. */
export function readDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** `text` with a decimal comma (`3,5`) as a finite number, or undefined when it is not one. */
export function readDecimalComma(text: string): number | undefined {
  return DECIMAL_COMMA.test(text) ? readDecimal(text.replace(',', '.')) : undefined;
}

/** Whether `text` is a number in another base (`0x1F`, `0b101`, `0o17`), for the error to say so. */
export function isOtherBase(text: string): boolean {
  return /^\s*[+-]?0[xbo]/i.test(text);
}

/**
 * Why a cell that looks like a number cannot be read as one, or undefined when it does not look
 * like one (it is then text: a category, say). Reading `50%` as text, or `1,000` as 1, would be
 * a silent wrong answer.
 */
export function notANumber(text: string): string | undefined {
  if (/^[+-]?inf(inity)?$/i.test(text)) return 'is not a finite number';
  if (DECIMAL.test(text)) return 'is too large for a number (the largest is about 1.8e308)';
  if (isOtherBase(text) && /^[+-]?0(x[\da-f]+|b[01]+|o[0-7]+)$/i.test(text))
    return 'is not a number in decimal';
  if (/^[+-]?[\d.,]*\d%$/.test(text)) return 'is a percentage: write it as a plain number';
  if (/^[+-]?\d{1,3}([,.' ]\d{3})+([.,]\d+)?$/.test(text))
    return 'has a thousands separator: write the number without it';
  if (/^[+-]?\d*,\d+$/.test(text))
    return 'has a decimal comma: write it with a point, or separate the cells with semicolons';
  return undefined;
}
