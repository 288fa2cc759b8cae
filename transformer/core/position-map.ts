/**
 * Where each character of rewritten text came from. Text copied from the input maps back
 * exactly; text the rewriter made up (`.mul(`, `)`) maps to the operator it stands for.
 */
interface Segment {
  /** Offset in the rewritten text. */
  generated: number;
  /** Offset in the input text. */
  original: number;
  length: number;
  copied: boolean;
}

export class PositionMap {
  private readonly segments: Segment[] = [];
  private generatedLength = 0;

  /** Records `length` characters copied from `original`. */
  copy(original: number, length: number): void {
    if (length > 0) this.push({ generated: this.generatedLength, original, length, copied: true });
  }

  /** Records `length` made-up characters that stand for the input at `original`. */
  insert(original: number, length: number): void {
    if (length > 0) this.push({ generated: this.generatedLength, original, length, copied: false });
  }

  /** The input offset that rewritten offset `position` came from. */
  toOriginal(position: number): number {
    const segment = this.segments[lastAtOrBefore(this.segments, position, (s) => s.generated)];
    if (!segment) return position;
    if (!segment.copied) return segment.original;
    return segment.original + Math.min(position - segment.generated, segment.length);
  }

  /** The rewritten offset of input offset `position` (the first copy, where it was copied twice). */
  toGenerated(position: number): number {
    let best: Segment | undefined;
    for (const s of this.segments) {
      if (!s.copied) continue;
      if (s.original <= position && position <= s.original + s.length)
        return s.generated + position - s.original;
      if (s.original <= position && (!best || s.original > best.original)) best = s;
    }
    return best ? best.generated + best.length : position;
  }

  /** True when the rewritten offset `position` is text the rewriter made up, not the input's. */
  isInserted(position: number): boolean {
    const segment = this.segments[lastAtOrBefore(this.segments, position, (s) => s.generated)];
    return segment !== undefined && !segment.copied;
  }

  /**
   * The same map after the input's text from `start` to `end` is replaced by `length`
   * characters, with where that text stands in the output; or undefined unless the replaced
   * text lies inside a single copied segment and was copied nowhere else.
   */
  withEdit(
    start: number,
    end: number,
    length: number,
    side: 'before' | 'after',
  ): { map: PositionMap; start: number; end: number } | undefined {
    let holding = this.segments.filter(
      (s) => s.copied && s.original <= end && start <= s.original + s.length,
    );
    // Typing where one copied piece ends and another begins: the edit belongs to the piece
    // holding the token it touches.
    if (holding.length === 2 && start === end) {
      holding = holding.filter((s) =>
        side === 'before' ? s.original + s.length === start : s.original === start,
      );
    }
    if (holding.length !== 1) return undefined;
    const [held] = holding;
    if (start < held.original || end > held.original + held.length) return undefined;
    const delta = length - (end - start);
    if (held.length + delta <= 0) return undefined;
    const map = new PositionMap();
    for (const s of this.segments) {
      map.push({
        generated: map.generatedLength,
        original: s !== held && s.original >= end ? s.original + delta : s.original,
        length: s === held ? s.length + delta : s.length,
        copied: s.copied,
      });
    }
    const at = held.generated + (start - held.original);
    return { map, start: at, end: at + (end - start) };
  }

  /** The map as numbers, three to a segment (original offset, length, 1 if copied), for `fromNumbers`. */
  toNumbers(): number[] {
    return this.segments.flatMap((s) => [s.original, s.length, s.copied ? 1 : 0]);
  }

  /** The map `toNumbers` described; throws on anything it cannot have made. */
  static fromNumbers(numbers: readonly number[]): PositionMap {
    if (numbers.length % 3 !== 0) throw new Error('a position map has three numbers per segment');
    const map = new PositionMap();
    for (let i = 0; i < numbers.length; i += 3) {
      const [original, length, copied] = numbers.slice(i, i + 3);
      if (!(
        Number.isInteger(original) &&
        Number.isInteger(length) &&
        length > 0 &&
        (copied === 0 || copied === 1)
      ))
        throw new Error(`not a position map segment: ${numbers.slice(i, i + 3).join(', ')}`);
      map.push({ generated: map.generatedLength, original, length, copied: copied === 1 });
    }
    return map;
  }

  private push(segment: Segment): void {
    this.segments.push(segment);
    this.generatedLength += segment.length;
  }
}

/** Maps through several rounds of rewriting, newest last. */
export class PositionMaps {
  constructor(private readonly rounds: readonly PositionMap[] = []) {}

  then(map: PositionMap): PositionMaps {
    return new PositionMaps([...this.rounds, map]);
  }

  /** Every round's map as numbers (see PositionMap.toNumbers), for keeping on disk. */
  toNumbers(): number[][] {
    return this.rounds.map((round) => round.toNumbers());
  }

  static fromNumbers(rounds: readonly (readonly number[])[]): PositionMaps {
    return new PositionMaps(rounds.map((round) => PositionMap.fromNumbers(round)));
  }

  toOriginal(position: number): number {
    return this.rounds.reduceRight((p, map) => map.toOriginal(p), position);
  }

  /** A span of rewritten text as a span of the original; its end maps by its last character. */
  spanToOriginal(start: number, length: number): { start: number; length: number } {
    const from = this.toOriginal(start);
    if (length <= 0) return { start: from, length: 0 };
    return { start: from, length: Math.max(0, this.toOriginal(start + length - 1) + 1 - from) };
  }

  toGenerated(position: number): number {
    return this.rounds.reduce((p, map) => map.toGenerated(p), position);
  }

  /** True when the rewritten offset `position` was made up by some round of rewriting. */
  isInserted(position: number): boolean {
    for (let round = this.rounds.length - 1; round >= 0; round--) {
      if (this.rounds[round].isInserted(position)) return true;
      position = this.rounds[round].toOriginal(position);
    }
    return false;
  }

  /**
   * Carries an edit of the user's text (`start` to `end` replaced by `length` characters)
   * through every round: the maps after it, and where the edit lands in the rewritten text.
   * Undefined when some round copied the edited text twice or split it, as `x += 1` does with x.
   * An insertion between two copied pieces goes with the piece on the given side of it.
   */
  withEdit(
    start: number,
    end: number,
    length: number,
    side: 'before' | 'after',
  ): { maps: PositionMaps; start: number; end: number } | undefined {
    const rounds: PositionMap[] = [];
    for (const round of this.rounds) {
      const edited = round.withEdit(start, end, length, side);
      if (!edited) return undefined;
      rounds.push(edited.map);
      ({ start, end } = edited);
    }
    return { maps: new PositionMaps(rounds), start, end };
  }
}

/** The index of the last item whose key is at most `target` (items sorted by key), or -1. */
function lastAtOrBefore<T>(items: readonly T[], target: number, key: (item: T) => number): number {
  let low = 0;
  let high = items.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (key(items[mid]) <= target) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}
