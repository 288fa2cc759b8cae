/**
 * `gradscript build` and `gradscript check`: tsc for natural arithmetic on gradscript's own
 * TypeScript, for projects whose compiler cannot host the rewriter (TypeScript 6 or 7, or none)
 * or that would rather not patch theirs. A project's tsconfig.json is read as tsc reads it; the
 * rewritten Program is checked and emitted as tsc would, through a builder program when the
 * project is incremental or watched, so that unchanged files are neither checked nor written
 * again.
 */
import type * as ts from 'typescript';
import { parsingJSDocAsTsc, ProgramRewriter } from '../core/program';
import type { TypeScript } from '../core/rewrite';
import { configHost, formatDiagnostics, readTsconfig, requireTsconfig } from './project';

export interface BuildOptions {
  /** A tsconfig.json, or a folder holding one; the current folder's by default. */
  project?: string;
  /** Write JavaScript, declarations and maps as the tsconfig says (build), or only check (check). */
  emit: boolean;
  /** Rebuild on every change until stopped. */
  watch?: boolean;
  /** Diagnostics with colour and the source line, as tsc prints them on a terminal. */
  pretty?: boolean;
  /** Where reports go; standard output by default. */
  write?: (text: string) => void;
}

/** Builds once and returns tsc's exit status: 0, or 1 when errors kept files from being written, else 2. */
export function buildProject(tsi: TypeScript, options: BuildOptions): number {
  const { configPath, report, overrides } = setUp(tsi, options);
  const parsed = readTsconfig(
    tsi,
    configPath,
    overrides,
    configHost(tsi, { onUnRecoverableConfigFileDiagnostic: report.diagnostic }),
  );
  if (!parsed) return 1;
  const incremental = Boolean(parsed.options.incremental || parsed.options.composite);
  const host = parsingJSDocAsTsc(
    tsi,
    incremental
      ? tsi.createIncrementalCompilerHost(parsed.options)
      : tsi.createCompilerHost(parsed.options),
  );
  const configDiagnostics = tsi.getConfigFileParsingDiagnostics(parsed);
  const program = new ProgramRewriter(tsi).rewrite(
    tsi.createProgram({
      rootNames: parsed.fileNames,
      options: parsed.options,
      host,
      projectReferences: parsed.projectReferences,
      configFileParsingDiagnostics: configDiagnostics,
    }),
    host,
  );
  const target = incremental
    ? tsi.createEmitAndSemanticDiagnosticsBuilderProgram(
        program,
        host,
        tsi.readBuilderProgram(parsed.options, host) as
          ts.EmitAndSemanticDiagnosticsBuilderProgram | undefined,
        configDiagnostics,
      )
    : program;
  const { errors, emitSkipped } = checkAndEmit(tsi, target, report);
  if (errors.length > 0) {
    const files = new Set(errors.map((d) => d.file?.fileName).filter(Boolean));
    report.text(
      `\nFound ${errors.length} error${errors.length === 1 ? '' : 's'}` +
        (files.size > 1 ? ` in ${files.size} files` : '') +
        '.\n',
    );
  }
  return errors.length === 0 ? 0 : emitSkipped ? 1 : 2;
}

/** Builds, then rebuilds what each change touches, reporting as `tsc --watch` does; never returns. */
export function watchProject(tsi: TypeScript, options: BuildOptions): void {
  const { configPath, report, overrides } = setUp(tsi, options);
  // One rewriter for the whole session: it remembers each file's rewriting, so a change
  // rewrites only the changed files and the files importing them.
  const rewriter = new ProgramRewriter(tsi);
  const createProgram: ts.CreateProgram<ts.EmitAndSemanticDiagnosticsBuilderProgram> = (
    rootNames,
    compilerOptions,
    host,
    oldBuilder,
    configDiagnostics,
    projectReferences,
  ) =>
    tsi.createEmitAndSemanticDiagnosticsBuilderProgram(
      rewriter.rewrite(
        tsi.createProgram({
          rootNames: rootNames ?? [],
          options: compilerOptions ?? {},
          host,
          oldProgram: oldBuilder?.getProgram(),
          configFileParsingDiagnostics: configDiagnostics,
          projectReferences,
        }),
        host,
      ),
      host!,
      oldBuilder,
      configDiagnostics,
    );
  const reportStatus = (diagnostic: ts.Diagnostic) =>
    report.text(
      // With the time, as tsc --watch prints it.
      (options.pretty
        ? `[${new Date().toLocaleTimeString()}] `
        : `${new Date().toLocaleTimeString()} - `) +
        `${tsi.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}\n`,
    );
  const host = parsingJSDocAsTsc(
    tsi,
    tsi.createWatchCompilerHost(
      configPath,
      overrides,
      tsi.sys,
      createProgram,
      report.diagnostic,
      reportStatus,
    ),
  );
  host.afterProgramCreate = (builder) => {
    // As tsc --watch closes each build: TS6193 for one error, TS6194 for any other number.
    const { errors } = checkAndEmit(tsi, builder, report);
    const count = errors.length;
    reportStatus({
      category: tsi.DiagnosticCategory.Message,
      code: count === 1 ? 6193 : 6194,
      messageText: `Found ${count} error${count === 1 ? '' : 's'}. Watching for file changes.`,
      file: undefined,
      start: undefined,
      length: undefined,
    });
  };
  tsi.createWatchProgram(host);
}

interface Reporter {
  diagnostic(diagnostic: ts.Diagnostic): void;
  text(text: string): void;
}

function setUp(tsi: TypeScript, options: BuildOptions) {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const report: Reporter = {
    diagnostic: (d) =>
      write(formatDiagnostics(tsi, [d], options.pretty === true) + (options.pretty ? '\n' : '')),
    text: write,
  };
  const overrides: ts.CompilerOptions = options.emit ? {} : { noEmit: true };
  const configPath = requireTsconfig(
    tsi,
    process.cwd(),
    options.project ?? '.',
    ': give the project with -p',
  );
  return { configPath, report, overrides };
}

/**
 * What tsc does with a Program: report option and syntax errors, and only when the syntax is
 * sound the semantic ones; emit. Returns the errors, and whether emitting was skipped.
 */
function checkAndEmit(
  tsi: TypeScript,
  program: ts.Program | ts.EmitAndSemanticDiagnosticsBuilderProgram,
  report: Reporter,
): { errors: ts.Diagnostic[]; emitSkipped: boolean } {
  const diagnostics: ts.Diagnostic[] = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(),
  ];
  if (diagnostics.length === 0) {
    diagnostics.push(...program.getSemanticDiagnostics());
    if (program.getCompilerOptions().declaration)
      diagnostics.push(...program.getDeclarationDiagnostics());
  }
  const { emitSkipped, diagnostics: emitDiagnostics } = program.emit();
  diagnostics.push(...emitDiagnostics);
  const sorted = tsi.sortAndDeduplicateDiagnostics(diagnostics);
  sorted.forEach(report.diagnostic);
  const errors = sorted.filter((d) => d.category === tsi.DiagnosticCategory.Error);
  return { errors, emitSkipped };
}
