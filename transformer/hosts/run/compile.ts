/**
 * Type-checks, rewrites and compiles a script and everything it imports, in memory: what
 * `gradscript run file.ts` executes.
 */
import type * as ts from 'typescript';
import * as path from 'path';
import { PositionMaps } from '../../core/position-map';
import { isUserSource, parsingJSDocAsTsc, ProgramRewriter } from '../../core/program';
import type { TypeScript } from '../../core/rewrite';
import {
  InputRecorder,
  sha256,
  type CompiledModule,
  type PreviousCompilation,
  type ScriptInputs,
  type SourceRecord,
} from './script-cache';
import { configHost, findTsconfig, formatDiagnostics, readTsconfig } from '../project';

export interface CompiledScript {
  /** Every diagnostic, at the user's positions. */
  diagnostics: readonly ts.Diagnostic[];
  /**
   * Each emitted module (JavaScript with an inline source map, and whether it is CommonJS or an
   * ES module) by the real path of the TypeScript or JavaScript file it came from: the name Node
   * gives the module.
   */
  modules: Map<string, CompiledModule>;
  /** Everything the compilation read or looked for, for the cache to tell when it is stale. */
  inputs: ScriptInputs;
  /** The user's files as the compilation left them, for the next one to start from. */
  sources: SourceRecord[];
  /** What every file saw without importing it (see `ambientOf`), for the next one to compare. */
  ambient: string;
  /** How many of the user's files were rewritten, checked and emitted afresh, of how many. */
  compiledFiles: { afresh: number; of: number };
  /** Formats diagnostics as tsc does, with the user's line and column. */
  format(diagnostics: readonly ts.Diagnostic[], color: boolean): string;
}

/** Options no script run can do without: output Node can load, a source map for stack traces. */
const RUN_OPTIONS: ts.CompilerOptions = {
  noEmit: false,
  emitDeclarationOnly: false,
  declaration: false,
  declarationMap: false,
  composite: false,
  incremental: false,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: true,
  outDir: undefined,
  outFile: undefined,
  tsBuildInfoFile: undefined,
  // A file Node runs as CommonJS is emitted as CommonJS, even where the project's module setting
  // would keep its import statements (which this option requires of such a file).
  verbatimModuleSyntax: false,
  plugins: [],
  // The output goes to memory, never beside its input: so JavaScript inputs (allowJs) may be
  // emitted, which TypeScript otherwise refuses (TS5055, "would overwrite input file"). Internal,
  // but what ts.transpileModule sets for the same reason.
  suppressOutputPathCheck: true,
};

/** TS18003, "No inputs were found in config file": its file list is not looked for (see below). */
const NO_INPUTS_FOUND = 18003;

/**
 * Compiles the script `entry` (an existing file). Given what an earlier compilation left (of this script or of
 * another in its folder), whose user files may have changed since, it compiles afresh only the
 * files that are new or changed and the files importing them.
 */
export function compileScript(
  tsi: TypeScript,
  entry: string,
  previous?: PreviousCompilation,
): CompiledScript {
  const file = path.resolve(entry);
  const format = (list: readonly ts.Diagnostic[], color: boolean) =>
    formatDiagnostics(tsi, list, color);
  const recorder = new InputRecorder();
  const modules = new Map<string, CompiledModule>();
  const project = projectOptions(tsi, file, recorder);
  if ('errors' in project) {
    return {
      diagnostics: project.errors,
      modules,
      inputs: recorder.inputs,
      sources: [],
      ambient: '',
      compiledFiles: { afresh: 0, of: 0 },
      format,
    };
  }
  const options = { ...project.options, ...RUN_OPTIONS };
  if (options.allowImportingTsExtensions) {
    // TypeScript allows `import './lib.ts'` only where it emits nothing, or where it turns the
    // specifier into `./lib.js` (TS5096); `gradscript run` resolves that back to lib.ts.
    options.rewriteRelativeImportExtensions = true;
  }
  const { ModuleKind } = tsi;
  if (
    ![ModuleKind.CommonJS, ModuleKind.Node16, ModuleKind.NodeNext].includes(
      options.module ?? ModuleKind.CommonJS,
    )
  ) {
    // Node decides each file's format (.mts, .cts, the package's "type"); so does node16.
    options.module = ModuleKind.Node16;
    options.moduleResolution = tsi.ModuleResolutionKind.Node16;
  }
  const host = recorder.record(parsingJSDocAsTsc(tsi, tsi.createCompilerHost(options)));
  const original = tsi.createProgram([file, ...nodeTypes(tsi, file, options, host)], options, host);
  const userFiles = original.getSourceFiles().filter((f) => isUserSource(original, f));
  const ambient = ambientOf(tsi, original);
  const rewriter = new ProgramRewriter(tsi);
  const reused =
    previous !== undefined &&
    previous.ambient === ambient &&
    rememberUnchanged(tsi, rewriter, userFiles, previous);
  const program = rewriter.rewrite(original, host);
  // Only these can have changed: what they import is as it was, and nothing they import changed.
  const afresh = reused ? rewriter.examined : undefined;
  const compiledAfresh = (f: ts.SourceFile) => !afresh || afresh.has(f.fileName);

  const diagnostics = afresh
    ? tsi.sortAndDeduplicateDiagnostics([
        ...program.getConfigFileParsingDiagnostics(),
        ...program.getOptionsDiagnostics(),
        ...program
          .getSourceFiles()
          .flatMap((f) =>
            compiledAfresh(f)
              ? [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]
              : [],
          ),
        // Found while checking the files above.
        ...program.getGlobalDiagnostics(),
      ])
    : tsi.getPreEmitDiagnostics(program);
  if (!diagnostics.some((d) => d.category === tsi.DiagnosticCategory.Error)) {
    for (const sourceFile of program.getSourceFiles()) {
      if (sourceFile.isDeclarationFile || program.isSourceFileFromExternalLibrary(sourceFile))
        continue;
      // Node names a module by its real path. Asked of the host, so that the cache records it.
      const source = host.realpath?.(sourceFile.fileName) ?? sourceFile.fileName;
      const kept = compiledAfresh(sourceFile) ? undefined : previous?.modules.get(source);
      if (kept !== undefined) modules.set(source, kept);
      else {
        const format =
          options.module !== ModuleKind.CommonJS &&
          sourceFile.impliedNodeFormat === ModuleKind.ESNext
            ? 'module'
            : 'commonjs';
        program.emit(sourceFile, (name, code) => {
          if (/\.[cm]?js$/.test(name)) modules.set(source, { format, code });
        });
      }
    }
  }
  const sources = userFiles.map((f): SourceRecord => {
    const rewriting = rewriter.rewriting(f.fileName);
    return {
      fileName: f.fileName,
      hash: sha256(f.text),
      global: affectsOtherFiles(tsi, f),
      rewritten: rewriting && { text: rewriting.text, maps: rewriting.maps.toNumbers() },
    };
  });
  const compiledFiles = { afresh: userFiles.filter(compiledAfresh).length, of: userFiles.length };
  return { diagnostics, modules, inputs: recorder.inputs, sources, ambient, compiledFiles, format };
}

/**
 * Stands for what every file of the program sees without importing it: the compiler options, and
 * which files declare globals or augment modules (the standard library, Node's types, any other
 * declaration file, the user's own). A file unchanged since an earlier compilation, whose
 * imports are unchanged too, compiles as it did then only if this is the same: a declaration file
 * that a new import or a `/// <reference>` brings in can change what its names mean.
 */
function ambientOf(tsi: TypeScript, program: ts.Program): string {
  const globalFiles = program
    .getSourceFiles()
    .filter((f) => affectsOtherFiles(tsi, f))
    .map((f) => f.fileName)
    .sort();
  return sha256(JSON.stringify([program.getCompilerOptions(), globalFiles]));
}

/**
 * Hands the rewriter what the previous compilation made of each user file whose text is as it
 * was. False, with nothing handed, when a changed, new or vanished file could change what other
 * files see without their importing it: then everything is compiled afresh.
 */
function rememberUnchanged(
  tsi: TypeScript,
  rewriter: ProgramRewriter,
  userFiles: readonly ts.SourceFile[],
  previous: PreviousCompilation,
): boolean {
  const records = new Map(previous.sources.map((r) => [r.fileName, r]));
  const unchanged = userFiles.filter((f) => records.get(f.fileName)?.hash === sha256(f.text));
  const present = new Set(userFiles.map((f) => f.fileName));
  if (
    userFiles.some((f) => !unchanged.includes(f) && affectsOtherFiles(tsi, f)) ||
    previous.sources.some((r) => r.global && !present.has(r.fileName))
  ) {
    return false;
  }
  for (const sourceFile of unchanged) {
    const { rewritten } = records.get(sourceFile.fileName)!;
    rewriter.remember(
      sourceFile,
      rewritten && { text: rewritten.text, maps: PositionMaps.fromNumbers(rewritten.maps) },
    );
  }
  return true;
}

/**
 * Whether a file can change what other files see without their importing it: a script (its
 * declarations are global), or a module that declares globals or augments another module.
 */
function affectsOtherFiles(tsi: TypeScript, sourceFile: ts.SourceFile): boolean {
  return (
    !tsi.isExternalModule(sourceFile) ||
    sourceFile.statements.some(
      (statement) =>
        tsi.isModuleDeclaration(statement) &&
        (tsi.isStringLiteral(statement.name) ||
          (statement.flags & tsi.NodeFlags.GlobalAugmentation) !== 0),
    )
  );
}

/**
 * The declaration file of Node's types, for a program that would not otherwise have them. A
 * script run by `gradscript run` runs on Node, so it has Node's globals (`process`, `require`)
 * whatever the tsconfig's `types` says (tsc --init writes `types: []`), and wherever it is (a
 * folder with no node_modules: gradscript's own copy of @types/node, a dependency of it). The
 * project's own copy, where it has one, comes first: two copies would declare everything twice.
 */
function nodeTypes(
  tsi: TypeScript,
  file: string,
  options: ts.CompilerOptions,
  host: ts.CompilerHost,
): string[] {
  const fromScript = tsi.resolveTypeReferenceDirective('node', file, options, host)
    .resolvedTypeReferenceDirective?.resolvedFileName;
  return [fromScript ?? require.resolve('@types/node/index.d.ts')];
}

/**
 * The options of the tsconfig.json nearest the script, or strict defaults when there is none;
 * or the errors in that tsconfig.json.
 */
function projectOptions(
  tsi: TypeScript,
  file: string,
  recorder: InputRecorder,
): { options: ts.CompilerOptions } | { errors: readonly ts.Diagnostic[] } {
  const defaults: ts.CompilerOptions = {
    strict: true,
    target: tsi.ScriptTarget.ES2022,
    // The language's own library, without the DOM that the target's default adds: Node has no
    // DOM (what it shares with browsers, Node's types declare), and parsing lib.dom.d.ts (1.9 MB)
    // took an eighth of a small script's cold start.
    lib: ['lib.es2022.d.ts'],
    module: tsi.ModuleKind.Node16,
    moduleResolution: tsi.ModuleResolutionKind.Node16,
    esModuleInterop: true,
    skipLibCheck: true,
  };
  const host = recorder.record(
    // The program is the script and what it imports: the files the config lists are not wanted.
    configHost(tsi, { readDirectory: () => [] }),
  );
  const configPath = findTsconfig(tsi, path.dirname(file), undefined, host.fileExists);
  if (!configPath) return { options: defaults };
  // Only an unrecoverable diagnostic, which configHost throws, leaves nothing read.
  const parsed = readTsconfig(tsi, configPath, {}, host)!;
  const errors = tsi
    .getConfigFileParsingDiagnostics(parsed)
    .filter((d) => d.category === tsi.DiagnosticCategory.Error && d.code !== NO_INPUTS_FOUND);
  return errors.length > 0 ? { errors } : { options: parsed.options };
}
