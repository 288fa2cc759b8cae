/**
 * Rewrites a whole Program, round after round, to a fixpoint.
 *
 * One round of rewriting is never enough: the checker types `a * b` as `number`, so in
 * `const d = a * b; d * c` only the first product is seen as a Value operation until the
 * program is rebuilt from the rewritten text. So: rewrite, rebuild, and repeat until a round
 * changes nothing. The Program handed back reports every diagnostic, and writes every source
 * map, at the user's own positions.
 */
import type * as ts from 'typescript';
import type { RewrittenOperator, Span } from './diagnostics';
import { PositionMaps } from './position-map';
import {
  atUserPositions,
  operatorDiagnostic,
  presentOriginalPositions,
  stuckDiagnostic,
  type OperatorDiagnostic,
  type RewrittenFile,
  type RewrittenProgram,
} from './present';
import { rewriteSourceFile, type TypeScript } from './rewrite';

export { DIAGNOSTIC_CODE, type RewrittenProgram } from './present';

/** Sets this process's SourceFile versions apart from another's (see `hostServing`). */
const PROCESS_NONCE = globalThis.crypto.randomUUID();

export interface RewriterOptions {
  /** The module the runtime helpers are imported from; `gradscript/runtime` by default. */
  runtimeModule?: string;
  /** Rewrite what parses in files with syntax errors, as an editor needs; compilers leave them. */
  rewriteUnfinishedFiles?: boolean;
  /**
   * Carry a file's rewriting across an edit to it (a keystroke, in an editor), rather than
   * rewriting it afresh: the edit is applied to the rewritten text. The host then checks that
   * no diagnostic falls on text the rewriting made up (see madeUpInCarried).
   */
  carryRewritesAcrossEdits?: boolean;
}

export function rewriteProgram(
  tsi: TypeScript,
  program: ts.Program,
  host: ts.CompilerHost | undefined,
  options: RewriterOptions = {},
): RewrittenProgram {
  return new ProgramRewriter(tsi, options).rewrite(program, host);
}

/**
 * Rewrites programs, remembering each file's rewriting: given the next version of a program (an
 * editor's, after a keystroke), only the files that changed and the files importing them are
 * looked at again.
 */
export class ProgramRewriter {
  private readonly files = new Map<string, RewrittenFile>();
  /** Every user file looked at, as it was then, rewritten or not. */
  private readonly seen = new Map<string, ts.SourceFile>();
  private readonly operatorErrors = new Map<string, OperatorDiagnostic[]>();
  /** Each rewritten file's rewritten operators, every round's, at the user's positions. */
  private readonly operators = new Map<string, RewrittenOperator[]>();
  /** Files whose rewriting was carried across their last edit rather than made afresh. */
  private readonly carried = new Set<string>();
  /** The files the last rewrite() looked at (changed files and their importers); undefined: all. */
  examined: ReadonlySet<string> | undefined;

  constructor(
    private readonly tsi: TypeScript,
    private readonly options: RewriterOptions = {},
  ) {}

  /**
   * Rewrites `program` to a fixpoint. Each round's Program is made by `programOf`, given the
   * rewritten text of every rewritten file; by default a new Program over `host` that reuses
   * the previous round's SourceFiles (an editor passes its language service's own).
   */
  rewrite(
    program: ts.Program,
    host: ts.CompilerHost | undefined,
    programOf?: (rewritten: ReadonlyMap<string, string>) => ts.Program,
  ): RewrittenProgram {
    const { tsi, files } = this;
    const baseHost =
      host ?? parsingJSDocAsTsc(tsi, tsi.createCompilerHost(program.getCompilerOptions()));
    let current = program;
    const rewritingHost = hostServing(tsi, baseHost, files, () => current);
    const next = (oldProgram: ts.Program) =>
      programOf
        ? programOf(new Map([...files].map(([name, file]) => [name, file.text])))
        : tsi.createProgram({
            rootNames: oldProgram.getRootFileNames(),
            options: oldProgram.getCompilerOptions(),
            host: rewritingHost,
            oldProgram,
            projectReferences: oldProgram.getProjectReferences(),
            configFileParsingDiagnostics: oldProgram.getConfigFileParsingDiagnostics(),
          });

    /** The files a round looks at: the ones whose types may have moved (all, the first time). */
    let examine = this.forgetChanged(program);
    this.examined = examine;
    if (examine && files.size > 0) current = next(program);
    let stuck: OperatorDiagnostic[] = [];
    const texts = new Map<string, Set<string>>();
    let rounds = 0;
    for (;;) {
      rounds++;
      const checker = current.getTypeChecker();
      /** The files rewritten in this round, as they were before it. */
      const changed = new Map<string, ts.SourceFile>();
      for (const sourceFile of current.getSourceFiles()) {
        if (examine && !examine.has(sourceFile.fileName)) continue;
        if (!isUserSource(current, sourceFile)) continue;
        const syntaxErrors = current.getSyntacticDiagnostics(sourceFile).map((d) => d.start ?? 0);
        // A compiler reports a file's syntax errors on the file as written; an editor's file is
        // mostly unfinished, and what parses in it is rewritten.
        if (syntaxErrors.length > 0 && !this.options.rewriteUnfinishedFiles) continue;
        const known = files.get(sourceFile.fileName);
        const original = known?.original ?? sourceFile;
        const maps = known?.maps ?? new PositionMaps();
        this.seen.set(sourceFile.fileName, original);
        const rewrite = rewriteSourceFile(tsi, checker, sourceFile, {
          runtimeModule: this.options.runtimeModule,
          compilerOptions: current.getCompilerOptions(),
          rewrittenThisRound: changed,
          syntaxErrors,
        });
        this.operatorErrors.set(
          sourceFile.fileName,
          rewrite.errors.map((e) => operatorDiagnostic(tsi, original, maps, e)),
        );
        if (rewrite.text === undefined || !rewrite.map) continue;
        this.operators.set(sourceFile.fileName, [
          ...((known && this.operators.get(sourceFile.fileName)) || []),
          ...rewrite.operators.map((o) => atUserPositions(o, maps)),
        ]);
        // Each round only turns operators into calls, so no text can come back; if one did,
        // rounds would go on for ever.
        const history = texts.get(sourceFile.fileName) ?? new Set([sourceFile.text]);
        if (history.has(rewrite.text)) {
          stuck = [stuckDiagnostic(tsi, sourceFile.fileName)];
          break;
        }
        history.add(rewrite.text);
        texts.set(sourceFile.fileName, history);
        files.set(sourceFile.fileName, {
          original,
          text: rewrite.text,
          maps: maps.then(rewrite.map),
        });
        changed.set(sourceFile.fileName, sourceFile);
      }
      if (changed.size === 0 || stuck.length > 0) break;
      current = next(current);
      examine = withImporters(tsi, current, new Set(changed.keys()));
    }
    const errors = [...stuck, ...[...this.operatorErrors.values()].flat()];
    // A language service goes on using the program it made (programOf): it gets a program of
    // its own that speaks through it. A program made here is changed in place, so that what a
    // compiler keeps of it (tsc -b's record of each file's diagnostics) holds the mapped ones.
    const presented = programOf ? (Object.create(current) as ts.Program) : current;
    return presentOriginalPositions(
      tsi,
      presented,
      current,
      files,
      this.operators,
      errors,
      baseHost,
      rounds,
    );
  }

  /** The rewritten text of a file, or undefined if it needed no rewriting. */
  rewrittenText(fileName: string): string | undefined {
    return this.files.get(fileName)?.text;
  }

  /** A file's rewritten text and the way back to the user's, or undefined if it needed no rewriting. */
  rewriting(fileName: string): { text: string; maps: PositionMaps } | undefined {
    const file = this.files.get(fileName);
    return file && { text: file.text, maps: file.maps };
  }

  /**
   * Takes what an earlier rewriter (another process's, kept on disk) made of `sourceFile`, the
   * same text: its rewriting, or none if it needed none. rewrite() then looks again only at the
   * files not remembered and at their importers.
   */
  remember(sourceFile: ts.SourceFile, rewriting?: { text: string; maps: PositionMaps }): void {
    this.seen.set(sourceFile.fileName, sourceFile);
    if (rewriting) this.files.set(sourceFile.fileName, { original: sourceFile, ...rewriting });
  }

  /** Where the user's `position` in `fileName` stands in the rewritten text. */
  toGenerated(fileName: string, position: number): number {
    return this.files.get(fileName)?.maps.toGenerated(position) ?? position;
  }

  /** A span of the rewritten `fileName` as a span of the user's text. */
  spanToOriginal(
    fileName: string,
    span: { start: number; length: number },
  ): { start: number; length: number } {
    return this.files.get(fileName)?.maps.spanToOriginal(span.start, span.length) ?? span;
  }

  /**
   * Drops what is remembered of the files that changed since the last call, and of the files
   * importing them; returns those files, or undefined when nothing is remembered yet.
   */
  private forgetChanged(program: ts.Program): Set<string> | undefined {
    if (this.seen.size === 0) return undefined;
    const changed = new Set<string>();
    for (const sourceFile of program.getSourceFiles()) {
      if (!isUserSource(program, sourceFile)) continue;
      const before = this.seen.get(sourceFile.fileName);
      if (before?.text !== sourceFile.text) changed.add(sourceFile.fileName);
      else {
        const known = this.files.get(sourceFile.fileName);
        if (known) known.original = sourceFile;
      }
    }
    const stale = withImporters(this.tsi, program, changed);
    for (const fileName of stale) {
      this.operatorErrors.delete(fileName);
      const after = program.getSourceFile(fileName);
      if (this.options.carryRewritesAcrossEdits && after && this.carryAcross(after)) continue;
      this.forget(fileName);
    }
    return stale;
  }

  /** Drops what is remembered of a file: the next rewrite() rewrites it afresh. */
  forget(fileName: string): void {
    this.files.delete(fileName);
    this.operators.delete(fileName);
    this.seen.delete(fileName);
    this.carried.delete(fileName);
  }

  /**
   * True when the file's rewriting was carried across an edit and the rewritten `position` is
   * text the rewriting made up: a diagnostic there (`Property 'mul' does not exist on type
   * 'number'`) means the edit changed what the rewriting stood on.
   */
  madeUpInCarried(fileName: string, position: number): boolean {
    const file = this.files.get(fileName);
    return this.carried.has(fileName) && file !== undefined && file.maps.isInserted(position);
  }

  /** Applies the edit that made `after` to the file's rewriting; false when it cannot. */
  private carryAcross(after: ts.SourceFile): boolean {
    const known = this.files.get(after.fileName);
    if (!known) return false;
    const before = known.original.text;
    this.carried.add(after.fileName);
    if (before === after.text) {
      known.original = after;
      return true;
    }
    let start = 0;
    while (start < before.length && before[start] === after.text[start]) start++;
    let tail = 0;
    while (
      tail < before.length - start &&
      tail < after.text.length - start &&
      before[before.length - 1 - tail] === after.text[after.text.length - 1 - tail]
    )
      tail++;
    const end = before.length - tail;
    const inserted = after.text.slice(start, after.text.length - tail);
    // Only an edit within a name or a number keeps the shape of every expression: anything
    // else (an operator, a bracket, a space that splits a token) is rewritten afresh.
    const word = /^[\w$]*$/;
    if (!word.test(inserted) || !word.test(before.slice(start, end))) return false;
    const touches = (c: string | undefined) => c !== undefined && /[\w$]/.test(c);
    if (!touches(before[start - 1]) && !touches(before[end])) return false;
    const side = touches(before[start - 1]) ? 'before' : 'after';
    const carried = known.maps.withEdit(start, end, inserted.length, side);
    if (!carried) {
      this.carried.delete(after.fileName);
      return false;
    }
    this.files.set(after.fileName, {
      original: after,
      text: known.text.slice(0, carried.start) + inserted + known.text.slice(carried.end),
      maps: carried.maps,
    });
    const delta = inserted.length - (end - start);
    const shift = (span: Span): Span => ({
      start: span.start >= end ? span.start + delta : span.start,
      end: span.end >= end ? span.end + delta : span.end,
    });
    const operators = this.operators.get(after.fileName) ?? [];
    this.operators.set(
      after.fileName,
      operators.map((o) => ({
        ...o,
        expression: shift(o.expression),
        token: shift(o.token),
        operands: o.operands.map(shift),
        problems: o.problems.map((p) => ({ ...p, ...shift(p) })),
      })),
    );
    return true;
  }
}

/**
 * The changed files and every file that imports one of them, directly or not: only there can
 * a type have changed (`export const d = a * b` is a Value now, so is what imports it).
 */
function withImporters(
  tsi: TypeScript,
  program: ts.Program,
  changed: ReadonlySet<string>,
): Set<string> {
  const checker = program.getTypeChecker();
  const importers = new Map<string, string[]>();
  for (const sourceFile of program.getSourceFiles()) {
    if (sourceFile.isDeclarationFile) continue;
    for (const specifier of moduleSpecifiers(sourceFile)) {
      const imported = checker.getSymbolAtLocation(specifier)?.valueDeclaration;
      if (!imported || !tsi.isSourceFile(imported)) continue;
      const list = importers.get(imported.fileName) ?? [];
      list.push(sourceFile.fileName);
      importers.set(imported.fileName, list);
    }
  }
  const result = new Set<string>();
  const visit = (fileName: string): void => {
    if (result.has(fileName)) return;
    result.add(fileName);
    importers.get(fileName)?.forEach(visit);
  };
  changed.forEach(visit);
  return result;
}

/**
 * Every module specifier in a file: of imports and exports, and also of `import('./m')` calls and
 * types and, in JavaScript, `require('./m')`, through which types flow as well. The program
 * collects them as it is built, in a field of the SourceFile that is internal but has been there
 * through TypeScript 5 (gradscript pins its TypeScript exactly, and the tests cover each form).
 */
function moduleSpecifiers(sourceFile: ts.SourceFile): readonly ts.StringLiteralLike[] {
  return (sourceFile as unknown as { imports: readonly ts.StringLiteralLike[] }).imports;
}

/** The user's own code: not a declaration file, not a library; JavaScript where the program takes it. */
export function isUserSource(program: ts.Program, sourceFile: ts.SourceFile): boolean {
  return (
    !sourceFile.isDeclarationFile &&
    !program.isSourceFileFromExternalLibrary(sourceFile) &&
    !program.isSourceFileDefaultLibrary(sourceFile) &&
    (/\.[cm]?tsx?$/.test(sourceFile.fileName) ||
      (program.getCompilerOptions().allowJs === true && /\.[cm]?jsx?$/.test(sourceFile.fileName)))
  );
}

/**
 * `host`, set to parse JSDoc where tsc's own command line does: everywhere in JavaScript (where
 * it can be a type), only `@see` and `@link` in TypeScript. The comments of the lib and
 * `@types` declaration files are then neither parsed nor bound (about 0.1 s of every compile
 * here).
 */
export function parsingJSDocAsTsc<Host extends { jsDocParsingMode?: ts.JSDocParsingMode }>(
  tsi: TypeScript,
  host: Host,
): Host {
  host.jsDocParsingMode = tsi.JSDocParsingMode.ParseForTypeErrors;
  return host;
}

/**
 * A compiler host that serves rewritten text for the rewritten files, and for the rest the
 * SourceFiles the program already has (so nothing is read or parsed twice), deferring to `base`
 * for any file new to the program.
 */
function hostServing(
  tsi: TypeScript,
  base: ts.CompilerHost,
  files: Map<string, RewrittenFile>,
  latest: () => ts.Program,
): ts.CompilerHost {
  const rewritten = (
    fileName: string,
    languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions,
  ) => {
    const file = files.get(fileName);
    if (!file) return undefined;
    if (!file.sourceFile || file.sourceFile.text !== file.text) {
      file.sourceFile = tsi.createSourceFile(fileName, file.text, languageVersion);
      // Builder programs (--incremental, -b, --watch) tell files apart by version. The version
      // changes from one process to the next: a .tsbuildinfo restores diagnostics against the
      // rewritten file, where their original positions would be misread, so they are remade.
      // TypeScript's own hash (SHA-256 under Node); a compiler without a system, in a browser,
      // has no builder program, and any version that changes with the text will do.
      const versioned = PROCESS_NONCE + file.text;
      (file.sourceFile as { version?: string }).version =
        tsi.sys?.createHash?.(versioned) ?? versioned;
    }
    return file.sourceFile;
  };
  const host: ts.CompilerHost = Object.create(base);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    rewritten(fileName, languageVersion) ??
    latest().getSourceFile(fileName) ??
    base.getSourceFile(fileName, languageVersion, ...rest);
  if (base.getSourceFileByPath) {
    const getByPath = base.getSourceFileByPath.bind(base);
    host.getSourceFileByPath = (fileName, filePath, languageVersion, ...rest) =>
      rewritten(fileName, languageVersion) ??
      latest().getSourceFile(fileName) ??
      getByPath(fileName, filePath, languageVersion, ...rest);
  }
  return host;
}
