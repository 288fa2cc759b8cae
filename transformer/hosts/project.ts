/**
 * What the hosts on a disk share around the rewriter, written once: finding and reading a
 * project's tsconfig.json, printing diagnostics as tsc prints them, and a Program kept in step
 * with edits, rebuilt from the last one, whose files come out as JavaScript with source maps to
 * the user's text. Each host (hosts/*.ts) is then an adapter between this and what it serves.
 */
import { decode, encode, type SourceMapMappings } from '@jridgewell/sourcemap-codec';
import type * as ts from 'typescript';
import * as path from 'path';
import { parsingJSDocAsTsc, ProgramRewriter, type RewrittenProgram } from '../core/program';
import type { TypeScript } from '../core/rewrite';

/**
 * The tsconfig.json a host works from: the one `named` (a file, or a folder holding one)
 * relative to `from`, else the nearest at or above `from`; undefined when there is none.
 */
export function findTsconfig(
  tsi: TypeScript,
  from: string,
  named?: string,
  fileExists: (file: string) => boolean = tsi.sys.fileExists,
): string | undefined {
  if (named === undefined) return tsi.findConfigFile(from, fileExists);
  const resolved = path.resolve(from, named);
  const configPath = tsi.sys.directoryExists(resolved)
    ? path.join(resolved, 'tsconfig.json')
    : resolved;
  return fileExists(configPath) ? configPath : undefined;
}

/** As findTsconfig, or an error that says where none was found, and `advice`. */
export function requireTsconfig(
  tsi: TypeScript,
  from: string,
  named: string | undefined,
  advice = '',
): string {
  const found = findTsconfig(tsi, from, named);
  if (found) return found;
  const where = named === undefined ? `at or above ${from}` : `at ${path.resolve(from, named)}`;
  throw new Error(`no tsconfig.json ${where}${advice}`);
}

/**
 * The system, for reading a tsconfig.json: a diagnostic that leaves nothing to read (a file
 * that cannot be read, an `extends` that cycles) is thrown, unless `overrides` says otherwise.
 */
export function configHost(
  tsi: TypeScript,
  overrides: Partial<ts.ParseConfigFileHost> = {},
): ts.ParseConfigFileHost {
  return {
    ...tsi.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(tsi.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
    ...overrides,
  };
}

/** A tsconfig.json read as tsc reads it, `overrides` on top; undefined only where `host` did not throw. */
export function readTsconfig(
  tsi: TypeScript,
  configPath: string,
  overrides: ts.CompilerOptions,
  host: ts.ParseConfigFileHost = configHost(tsi),
): ts.ParsedCommandLine | undefined {
  return tsi.getParsedCommandLineOfConfigFile(configPath, overrides, host);
}

/** Diagnostics as tsc prints them: with colour and the source line (`pretty`), or one line each. */
export function formatDiagnostics(
  tsi: TypeScript,
  diagnostics: readonly ts.Diagnostic[],
  pretty: boolean,
): string {
  const formatHost: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
  };
  return pretty
    ? tsi.formatDiagnosticsWithColorAndContext(diagnostics, formatHost)
    : tsi.formatDiagnostics(diagnostics, formatHost);
}

/** A project file as JavaScript, with the way back to the user's text. */
export interface CompiledFile {
  /** The file as JavaScript, rewritten where it works with Values. */
  code: string;
  /** From `code` back to the user's text. */
  map: SourceMapV3;
  /** The file's type errors and gradscript's own, at the user's positions. */
  diagnostics: readonly ts.Diagnostic[];
}

export interface SourceMapV3 {
  version: 3;
  sources: string[];
  sourcesContent: string[];
  names: string[];
  mappings: string;
}

/**
 * A project's Program as the user wrote it, and as rewritten, kept in step with the files a
 * host is handed (a bundler's, as it reads them or as they are edited). After an edit the
 * Program is rebuilt from the last one, and only the edited file and its importers are
 * rewritten again.
 */
export class EditedProject {
  private readonly rewriter: ProgramRewriter;
  private readonly config: ts.ParsedCommandLine;
  /** Root files: the tsconfig's, and any file asked for that the tsconfig leaves out. */
  private readonly roots: Set<string>;
  /** Files changed since the Program was built: the new text, or undefined to read the file again. */
  private readonly edits = new Map<string, string | undefined>();
  private program: ts.Program;
  private rewritten: RewrittenProgram;

  constructor(
    private readonly tsi: TypeScript,
    configPath: string,
  ) {
    this.rewriter = new ProgramRewriter(tsi);
    // Only an unrecoverable diagnostic, which configHost throws, leaves nothing read.
    this.config = readTsconfig(tsi, configPath, { noEmit: true })!;
    this.roots = new Set(this.config.fileNames);
    [this.program, this.rewritten] = this.build(undefined);
  }

  /** Whether `fileName` is part of the Program (a module, a declaration file). */
  includes(fileName: string): boolean {
    return this.program.getSourceFile(fileName) !== undefined;
  }

  /** Takes `text` as the new content of `fileName` (undefined: read it again), rebuilding if it changed. */
  update(fileName: string, text: string | undefined): void {
    if (text !== undefined && this.program.getSourceFile(fileName)?.text === text) return;
    this.edits.set(fileName, text);
    if (!this.includes(fileName)) this.roots.add(fileName);
    [this.program, this.rewritten] = this.build(this.program);
  }

  /**
   * `fileName`, whose text was read as `text`, rewritten and compiled to JavaScript with the
   * types stripped, as `tsc` would emit it, and `compilerOptions` on top; undefined if it is not
   * TypeScript the Program can hold.
   */
  compile(
    fileName: string,
    text: string,
    compilerOptions: ts.CompilerOptions,
  ): CompiledFile | undefined {
    const { tsi } = this;
    this.update(fileName, text);
    const sourceFile = this.rewritten.getSourceFile(fileName);
    if (!sourceFile) return undefined;
    const diagnostics = this.rewritten.getSemanticDiagnostics(sourceFile);
    const output = tsi.transpileModule(sourceFile.text, {
      fileName,
      compilerOptions: {
        ...this.config.options,
        ...compilerOptions,
        sourceMap: true,
        inlineSourceMap: false,
        inlineSources: false,
        noEmit: false,
        declaration: false,
      },
    });
    const code = output.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
    const original = this.program.getSourceFile(fileName)!;
    const { mappings } = JSON.parse(output.sourceMapText!) as SourceMapV3;
    return {
      code,
      map: {
        version: 3,
        sources: [fileName],
        sourcesContent: [original.text],
        names: [],
        mappings: encode(this.toOriginal(sourceFile, original, decode(mappings))),
      },
      diagnostics,
    };
  }

  rewrittenText(fileName: string): string | undefined {
    return this.rewriter.rewrittenText(fileName);
  }

  /**
   * The project's own file `specifier` in `importer` names, as TypeScript resolves it under the
   * tsconfig; undefined for a package or nothing found.
   */
  resolve(specifier: string, importer: string): ts.ResolvedModuleFull | undefined {
    const { tsi } = this;
    const { resolvedModule } = tsi.resolveModuleName(
      specifier,
      importer,
      this.config.options,
      tsi.sys,
    );
    return resolvedModule && !resolvedModule.isExternalLibraryImport ? resolvedModule : undefined;
  }

  /**
   * TypeScript's mappings lead from the JavaScript to the text it compiled, the rewritten text:
   * each is led on to the user's text, through the rewriter's position maps.
   */
  private toOriginal(
    rewritten: ts.SourceFile,
    original: ts.SourceFile,
    mappings: SourceMapMappings,
  ): SourceMapMappings {
    if (this.rewriter.rewrittenText(rewritten.fileName) === undefined) return mappings;
    return mappings.map((line) =>
      line.map((segment) => {
        if (segment.length < 4) return segment;
        const [column, , sourceLine, sourceColumn] = segment as [number, number, number, number];
        const start = rewritten.getPositionOfLineAndCharacter(sourceLine, sourceColumn);
        const at = this.rewriter.spanToOriginal(rewritten.fileName, { start, length: 0 });
        const from = original.getLineAndCharacterOfPosition(at.start);
        return [column, 0, from.line, from.character];
      }),
    );
  }

  private build(oldProgram: ts.Program | undefined): [ts.Program, RewrittenProgram] {
    const { tsi } = this;
    const { options, projectReferences } = this.config;
    const host = parsingJSDocAsTsc(tsi, tsi.createCompilerHost(options));
    const readSourceFile = host.getSourceFile.bind(host);
    // Unedited files come from the last Program, so a rebuild parses only what changed.
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      const edited = this.edits.get(fileName);
      if (edited !== undefined) return tsi.createSourceFile(fileName, edited, languageVersion);
      return (
        (this.edits.has(fileName) ? undefined : oldProgram?.getSourceFile(fileName)) ??
        readSourceFile(fileName, languageVersion, ...rest)
      );
    };
    const program = tsi.createProgram({
      rootNames: [...this.roots],
      options,
      projectReferences,
      host,
      oldProgram,
    });
    this.edits.clear();
    return [program, this.rewriter.rewrite(program, host)];
  }
}
