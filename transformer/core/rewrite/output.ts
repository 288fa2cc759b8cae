/** The rewritten text and its PositionMap, built together. */
import { PositionMap } from '../position-map';

export class Output {
  private readonly parts: string[] = [];
  readonly map = new PositionMap();

  constructor(private readonly input: string) {}

  get text(): string {
    return this.parts.join('');
  }

  copy(from: number, to: number): void {
    if (to <= from) return;
    this.parts.push(this.input.slice(from, to));
    this.map.copy(from, to - from);
  }

  insert(text: string, original: number): void {
    this.parts.push(text);
    this.map.insert(original, text.length);
  }

  /**
   * Keeps the line breaks (and the indentation after the last) between two places, so lines
   * stay put; whatever else stands there, an operator or a comma the rewriting replaced, is not.
   */
  keepLineBreaks(from: number, to: number): void {
    const between = this.input.slice(from, to);
    const lastBreak = between.lastIndexOf('\n');
    if (lastBreak < 0) return;
    const indentation = /^[ \t]*/.exec(between.slice(lastBreak + 1))![0];
    this.insert('\n'.repeat(between.split('\n').length - 1) + indentation, from);
  }
}
