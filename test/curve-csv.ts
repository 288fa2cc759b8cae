import * as fs from 'fs';

/**
 * Writes a CSV of `rows` points in [-1, 1]², each labelled by which side of a curve it lies on
 * (`label` turns class 0 or 1 into the cell's text), in chunks, so that a million rows are never
 * held whole. The same seed always gives the same file.
 */
export function writeCurveCsv(
  file: string,
  rows: number,
  label: (c: number) => string = String,
): void {
  const fd = fs.openSync(file, 'w');
  let text = 'a,b,label\n';
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < rows; i++) {
    const [a, b] = [random(), random()];
    text += `${a.toFixed(4)},${b.toFixed(4)},${label(a * a + b > 0.2 ? 1 : 0)}\n`;
    if (text.length > 1 << 20) {
      fs.writeSync(fd, text);
      text = '';
    }
  }
  fs.writeSync(fd, text);
  fs.closeSync(fd);
}
