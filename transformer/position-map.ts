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
