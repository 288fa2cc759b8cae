/**
 * The in-memory host: compiles one file of natural arithmetic where there is no disk (the
 * playground's page), as `gradscript build` does on one. Declaration files are held in memory
 * and parsed once, for every file compiled. Nothing here needs Node: it runs in a browser.
 */
import { decode } from '@jridgewell/sourcemap-codec';
import type * as ts from 'typescript';
import { rewriteProgram } from '../core/program';
import type { TypeScript } from '../core/rewrite';

export type InMemoryOutput =
  | {
      javascript: string;
      /** The file's line that a line of the JavaScript came from (both 1-based), if any. */
      lineOf(javascriptLine: number): number | undefined;
    }
  /** The file's errors, at the user's positions: nothing is emitted. */
  | { errors: ts.Diagnostic[] };

export interface InMemoryFiles {
  /** Every file but the one compiled, by name, in a file system rooted at `/`. */
  files: ReadonlyMap<string, string>;
  /** The folder of TypeScript's lib files among them: the options' `lib` names files there. */
  libFolder: string;
  /** Files in every program (a declaration file of globals, say). */
  alsoRoots?: readonly string[];
}

/** A compiler of single files over files held in memory, which are parsed once for all. */
export function inMemoryCompiler(
  tsi: TypeScript,
  { files, libFolder, alsoRoots = [] }: InMemoryFiles,
  options: ts.CompilerOptions & { lib: [string, ...string[]] },
): (fileName: string, text: string) => InMemoryOutput {
  const parsed = new Map<string, ts.SourceFile>();
  return (fileName, text) => {
    const read = (name: string) => (name === fileName ? text : files.get(name));
    const host: ts.CompilerHost = {
      getSourceFile(name, languageVersion) {
        if (name === fileName) return tsi.createSourceFile(name, text, languageVersion);
        const known = parsed.get(name);
        if (known) return known;
        const declaration = files.get(name);
        if (declaration === undefined) return undefined;
        const sourceFile = tsi.createSourceFile(name, declaration, languageVersion);
        parsed.set(name, sourceFile);
        return sourceFile;
      },
      getDefaultLibFileName: () => `${libFolder}/${options.lib[0]}`,
      getDefaultLibLocation: () => libFolder,
      writeFile: () => {},
      getCurrentDirectory: () => '/',
      getCanonicalFileName: (name) => name,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => '\n',
      fileExists: (name) => read(name) !== undefined,
      readFile: read,
      directoryExists: (folder) =>
        [...files.keys(), fileName].some((name) => name.startsWith(`${folder}/`)),
    };
    const program = rewriteProgram(
      tsi,
      tsi.createProgram([fileName, ...alsoRoots], options, host),
      host,
    );
    const source = program.getSourceFile(fileName)!;
    const errors = tsi
      .getPreEmitDiagnostics(program, source)
      .filter((d) => d.category === tsi.DiagnosticCategory.Error);
    if (errors.length > 0) return { errors };

    const written = new Map<string, string>();
    program.emit(source, (name, output) => written.set(name, output));
    const javascriptFile = [...written.keys()].find((name) => name.endsWith('.js'))!;
    const javascript = written.get(javascriptFile)!.replace(/\n\/\/# sourceMappingURL=.*$/, '');
    const map = written.get(`${javascriptFile}.map`);
    const lines = map ? decode((JSON.parse(map) as { mappings: string }).mappings) : [];
    return {
      javascript,
      lineOf: (javascriptLine) => {
        const segment = lines[javascriptLine - 1]?.find((s) => s.length >= 4);
        return segment ? segment[2]! + 1 : undefined;
      },
    };
  };
}
