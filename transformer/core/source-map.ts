/**
 * TypeScript writes source maps against the text it compiled: the rewritten text. These
 * functions move every mapping back onto the user's own line and column.
 */
import type * as ts from 'typescript';
import { decode, encode } from '@jridgewell/sourcemap-codec';

/** Turns a position in a source's rewritten text into one in its original text. */
export interface SourceRemap {
  rewritten: ts.SourceFile;
  original: ts.SourceFile;
  toOriginal(position: number): number;
}

interface RawSourceMap {
  sources: string[];
  sourceRoot?: string;
  sourcesContent?: (string | null)[];
  mappings: string;
}

/**
 * Rewrites the JSON text of a source map. `sourceFor(source)` finds the remap of one of its
 * `sources` (as written in the map), or undefined for a source that was not rewritten.
 */
export function remapSourceMap(
  json: string,
  sourceFor: (source: string) => SourceRemap | undefined,
): string {
  const map = JSON.parse(json) as RawSourceMap;
  const remaps = map.sources.map((source) => sourceFor(source));
  if (remaps.every((r) => r === undefined)) return json;
  const lines = decode(map.mappings);
  for (const line of lines) {
    for (const segment of line) {
      if (segment.length < 4) continue;
      const remap = remaps[segment[1]!];
      if (!remap) continue;
      const position = remap.rewritten.getPositionOfLineAndCharacter(segment[2]!, segment[3]!);
      const { line: l, character } = remap.original.getLineAndCharacterOfPosition(
        remap.toOriginal(position),
      );
      segment[2] = l;
      segment[3] = character;
    }
  }
  map.mappings = encode(lines);
  if (map.sourcesContent) {
    map.sourcesContent = map.sourcesContent.map((content, i) =>
      remaps[i] ? remaps[i].original.text : content,
    );
  }
  return JSON.stringify(map);
}

const INLINE_MAP = /(\/\/# sourceMappingURL=data:application\/json;base64,)([A-Za-z0-9+/=]+)\s*$/;

/** The same, for JavaScript that carries its source map inline (`inlineSourceMap`). */
export function remapInlineSourceMap(
  js: string,
  sourceFor: (source: string) => SourceRemap | undefined,
): string {
  const match = INLINE_MAP.exec(js);
  if (!match) return js;
  const json = Buffer.from(match[2], 'base64').toString('utf8');
  const remapped = Buffer.from(remapSourceMap(json, sourceFor), 'utf8').toString('base64');
  return js.slice(0, match.index) + match[1] + remapped + '\n';
}
