/**
 * The rewritten Program as the user sees it: diagnostics on the text they wrote, rewritten
 * operators' type errors said as tsc says them about operators, gradscript's own errors among
 * the semantic diagnostics, and source maps that point at the original files.
 */
import type * as ts from 'typescript';
import * as path from 'path';
import { reexpressDiagnostics, type RewrittenOperator, type Span } from './diagnostics';
import type { PositionMaps } from './position-map';
import { operatorErrorMessage, type OperatorError, type TypeScript } from './rewrite';
import { remapInlineSourceMap, remapSourceMap, type SourceRemap } from './source-map';

/** The code of gradscript's own diagnostics, shown as TS99001. */
export const DIAGNOSTIC_CODE = 99001;
/** TypeScript's complaints about an arithmetic operand's type: said better by a gradscript error on the same expression. */
const OPERAND_TYPE_CODES = new Set([2356, 2362, 2363, 2365]);

/** A file that rewriting changed: its original, its current text, and the way back. */
export interface RewrittenFile {
  original: ts.SourceFile;
  text: string;
  maps: PositionMaps;
  sourceFile?: ts.SourceFile;
}

export interface RewrittenProgram extends ts.Program {
  /** How many rounds of rewriting the program took (the last one changed nothing). */
  readonly gradscriptRounds: number;
}

export interface OperatorDiagnostic extends ts.Diagnostic {
  expression: { start: number; end: number };
}

export function operatorDiagnostic(
  tsi: TypeScript,
  file: ts.SourceFile,
  maps: PositionMaps,
  error: OperatorError,
): OperatorDiagnostic {
  const { start, length } = maps.spanToOriginal(error.start, error.length);
  const expression = maps.spanToOriginal(
    error.expression.start,
    error.expression.end - error.expression.start,
  );
  const { line, character } = file.getLineAndCharacterOfPosition(start);
  const directory = tsi.sys?.getCurrentDirectory() ?? '/';
  const where = `${path.relative(directory, file.fileName)}:${line + 1}:${character + 1}`;
  return {
    category: tsi.DiagnosticCategory.Error,
    code: DIAGNOSTIC_CODE,
    file,
    start,
    length,
    messageText: operatorErrorMessage(error.operator, where),
    source: 'gradscript',
    expression: { start: expression.start, end: expression.start + expression.length },
  };
}

/** An operator found in some round's text, at the user's positions. */
export function atUserPositions(
  operator: RewrittenOperator,
  maps: PositionMaps,
): RewrittenOperator {
  const span = (s: Span): Span => {
    const { start, length } = maps.spanToOriginal(s.start, s.end - s.start);
    return { start, end: start + length };
  };
  return {
    operator: operator.operator,
    expression: span(operator.expression),
    token: span(operator.token),
    operands: operator.operands.map(span),
    problems: operator.problems.map((p) => ({ ...p, ...span(p) })),
  };
}

export function stuckDiagnostic(tsi: TypeScript, fileName: string): OperatorDiagnostic {
  return {
    category: tsi.DiagnosticCategory.Error,
    code: DIAGNOSTIC_CODE,
    file: undefined,
    start: undefined,
    length: undefined,
    messageText: `gradscript: rewriting operators in ${fileName} went round in a circle; please report this`,
    source: 'gradscript',
    expression: { start: 0, end: 0 },
  };
}

/**
 * Makes the final Program speak of the user's files: diagnostics land on the original text,
 * source maps point at it, and gradscript's own errors join the semantic diagnostics.
 */
export function presentOriginalPositions(
  tsi: TypeScript,
  presented: ts.Program,
  program: ts.Program,
  files: Map<string, RewrittenFile>,
  operators: ReadonlyMap<string, readonly RewrittenOperator[]>,
  operatorErrors: OperatorDiagnostic[],
  host: ts.CompilerHost,
  rounds: number,
): RewrittenProgram {
  const toOriginal = <D extends ts.Diagnostic | ts.DiagnosticRelatedInformation>(
    diagnostic: D,
  ): D => {
    const file = diagnostic.file && files.get(diagnostic.file.fileName);
    // Diagnostics already on the original file pass through: ts-patch hands emit() the ones reported before it.
    if (!file || diagnostic.file === file.original || diagnostic.start === undefined)
      return diagnostic;
    const { start, length } = file.maps.spanToOriginal(diagnostic.start, diagnostic.length ?? 0);
    const mapped = { ...diagnostic, file: file.original, start, length };
    if ('relatedInformation' in diagnostic && diagnostic.relatedInformation) {
      (mapped as ts.Diagnostic).relatedInformation = diagnostic.relatedInformation.map(toOriginal);
    }
    return mapped;
  };
  // Callers may hold the original SourceFile (tsserver, say): ask about the rewritten one.
  const current = (sourceFile?: ts.SourceFile) =>
    sourceFile && (program.getSourceFile(sourceFile.fileName) ?? sourceFile);
  const errorsIn = (sourceFile?: ts.SourceFile) =>
    operatorErrors.filter((d) => !sourceFile || d.file?.fileName === sourceFile.fileName);
  const saidBetter = (d: ts.Diagnostic) =>
    OPERAND_TYPE_CODES.has(d.code) &&
    operatorErrors.some(
      (e) =>
        e.file?.fileName === d.file?.fileName &&
        e.expression.start <= d.start! &&
        d.start! < e.expression.end,
    );

  const { getSyntacticDiagnostics, getSemanticDiagnostics, getDeclarationDiagnostics, emit } =
    program;
  const result = presented as RewrittenProgram & { gradscriptRounds: number };
  result.gradscriptRounds = rounds;
  result.getSyntacticDiagnostics = (sourceFile, token) =>
    getSyntacticDiagnostics(current(sourceFile), token).map(toOriginal);
  // The checker's complaints about rewritten operators, as tsc makes them about the operators.
  const inUserWords = (diagnostics: readonly ts.Diagnostic[]): ts.Diagnostic[] => {
    const byFile = new Map<string, ts.Diagnostic[]>();
    const rest: ts.Diagnostic[] = [];
    for (const d of diagnostics) {
      const name = d.file?.fileName;
      if (name === undefined || !operators.has(name) || d.file === files.get(name)?.original)
        rest.push(d);
      else byFile.set(name, [...(byFile.get(name) ?? []), d]);
    }
    for (const [name, list] of byFile) {
      const file = files.get(name)!;
      const rewritten = program.getSourceFile(name)!;
      const view = { ...file, rewritten, operators: operators.get(name)! };
      rest.push(...reexpressDiagnostics(tsi, program.getTypeChecker(), view, list));
    }
    return rest;
  };
  const semantic =
    (get: typeof getSemanticDiagnostics): typeof getSemanticDiagnostics =>
    (sourceFile, token) => [
      ...errorsIn(sourceFile),
      ...inUserWords(get(current(sourceFile), token))
        .map(toOriginal)
        .filter((d) => !saidBetter(d)),
    ];
  result.getSemanticDiagnostics = semantic(getSemanticDiagnostics);
  // Builder programs (--incremental, -b, --watch) ask this internal method instead.
  const internal = result as { getBindAndCheckDiagnostics?: typeof getSemanticDiagnostics };
  if (internal.getBindAndCheckDiagnostics) {
    internal.getBindAndCheckDiagnostics = semantic(internal.getBindAndCheckDiagnostics);
  }
  result.getDeclarationDiagnostics = (sourceFile, token) =>
    getDeclarationDiagnostics(current(sourceFile), token).map(toOriginal);

  const sourceRemap = (fileName: string): SourceRemap | undefined => {
    const file = files.get(fileName);
    const rewritten = file && program.getSourceFile(fileName);
    if (!file || !rewritten) return undefined;
    return { rewritten, original: file.original, toOriginal: (p) => file.maps.toOriginal(p) };
  };
  result.emit = (targetSourceFile, writeFile, token, emitOnlyDts, transformers) => {
    const write: ts.WriteFileCallback = (fileName, text, ...rest) => {
      const sourceFor = (source: string) =>
        sourceRemap(resolveSource(fileName, source, program.getCompilerOptions()));
      if (fileName.endsWith('.map')) text = remapSourceMap(text, sourceFor);
      else if (/\.[cm]?js$/.test(fileName)) text = remapInlineSourceMap(text, sourceFor);
      (writeFile ?? host.writeFile)(fileName, text, ...rest);
    };
    const emitted = emit(current(targetSourceFile), write, token, emitOnlyDts, transformers);
    return { ...emitted, diagnostics: emitted.diagnostics.map(toOriginal) };
  };
  return result;
}

/** The file a source map's `sources` entry names, as the compiler spells file names. */
function resolveSource(mapFile: string, source: string, options: ts.CompilerOptions): string {
  const root = options.sourceRoot ?? '';
  const resolved = path.isAbsolute(source)
    ? source
    : path.resolve(path.dirname(mapFile), root, source);
  return resolved.split(path.sep).join('/');
}
