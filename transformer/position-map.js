"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PositionMaps = exports.PositionMap = void 0;
class PositionMap {
    segments = [];
    generatedLength = 0;
    /** Records `length` characters copied from `original`. */
    copy(original, length) {
        if (length > 0)
            this.push({ generated: this.generatedLength, original, length, copied: true });
    }
    /** Records `length` made-up characters that stand for the input at `original`. */
    insert(original, length) {
        if (length > 0)
            this.push({ generated: this.generatedLength, original, length, copied: false });
    }
    /** The input offset that rewritten offset `position` came from. */
    toOriginal(position) {
        const segment = this.segments[lastAtOrBefore(this.segments, position, (s) => s.generated)];
        if (!segment)
            return position;
        if (!segment.copied)
            return segment.original;
        return segment.original + Math.min(position - segment.generated, segment.length);
    }
    /** The rewritten offset of input offset `position` (the first copy, where it was copied twice). */
    toGenerated(position) {
        let best;
        for (const s of this.segments) {
            if (!s.copied)
                continue;
            if (s.original <= position && position <= s.original + s.length)
                return s.generated + position - s.original;
            if (s.original <= position && (!best || s.original > best.original))
                best = s;
        }
        return best ? best.generated + best.length : position;
    }
    push(segment) {
        this.segments.push(segment);
        this.generatedLength += segment.length;
    }
}
exports.PositionMap = PositionMap;
/** Maps through several rounds of rewriting, newest last. */
class PositionMaps {
    rounds;
    constructor(rounds = []) {
        this.rounds = rounds;
    }
    then(map) {
        return new PositionMaps([...this.rounds, map]);
    }
    toOriginal(position) {
        return this.rounds.reduceRight((p, map) => map.toOriginal(p), position);
    }
    toGenerated(position) {
        return this.rounds.reduce((p, map) => map.toGenerated(p), position);
    }
}
exports.PositionMaps = PositionMaps;
/** The index of the last item whose key is at most `target` (items sorted by key), or -1. */
function lastAtOrBefore(items, target, key) {
    let low = 0;
    let high = items.length - 1;
    let found = -1;
    while (low <= high) {
        const mid = (low + high) >> 1;
        if (key(items[mid]) <= target) {
            found = mid;
            low = mid + 1;
        }
        else {
            high = mid - 1;
        }
    }
    return found;
}
