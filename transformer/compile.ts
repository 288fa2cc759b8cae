/**
 * Type-checks, rewrites and compiles a script and everything it imports, in memory: what
 * `gradscript run file.ts` executes.
 */
import type * as ts from 'typescript';
import * as fs from 'fs';
import * as path from 'path';
import { rewriteProgram } from './program';
import type { TypeScript } from './rewrite';
import { InputRecorder, type ScriptInputs } from './script-cache';

export interface CompiledScript {
  /** Every diagnostic, at the user's positions. */
  diagnostics: readonly ts.Diagnostic[];
  /**
   * Emitted JavaScript (with an inline source map) by the real path of the TypeScript or
   * JavaScript file it came from: the name Node gives the module.
   */
  javascript: Map<string, string>;
  /** Everything the compilation read or looked for, for the cache to tell when it is stale. */
  inputs: ScriptInputs;
  /** Formats diagnostics as tsc does, with the user's line and column. */
  format(diagnostics: readonly ts.Diagnostic[], color: boolean): string;
}

/** Options no script run can do without: CommonJS output we can load, a source map for stack traces. */
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
  // The output is CommonJS whatever the project says, which this option would forbid.
  verbatimModuleSyntax: false,
  plugins: [],
  // The output goes to memory, never beside its input: so JavaScript inputs (allowJs) may be
  // emitted, which TypeScript otherwise refuses (TS5055, "would overwrite input file"). Internal,
  // but what ts.transpileModule sets for the same reason.
  suppressOutputPathCheck: true,
};

/** TS18003, "No inputs were found in config file": its file list is not looked for (see below). */
const NO_INPUTS_FOUND = 18003;

export function compileScript(tsi: TypeScript, entry: string): CompiledScript {
  const file = path.resolve(entry);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new Error(`no such file: ${entry}`);
  if (stat.isDirectory()) throw new Error(`${entry} is a directory, not a script`);
  const formatHost: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
  };
  const format = (list: readonly ts.Diagnostic[], color: boolean) =>
    color
      ? tsi.formatDiagnosticsWithColorAndContext(list, formatHost)
      : tsi.formatDiagnostics(list, formatHost);
  const recorder = new InputRecorder();
  const javascript = new Map<string, string>();
  const project = projectOptions(tsi, file, recorder);
  if ('errors' in project) {
    return { diagnostics: project.errors, javascript, inputs: recorder.inputs, format };
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
    // An ES module target would emit import statements that require() cannot load.
    options.module = ModuleKind.Node16;
    options.moduleResolution = tsi.ModuleResolutionKind.Node16;
  }
  const host = recorder.record(tsi.createCompilerHost(options));
  const program = rewriteProgram(tsi, tsi.createProgram([file], options, host), host);
  if (program.getSourceFile(file)?.impliedNodeFormat === ModuleKind.ESNext) {
    throw new Error(
      `${entry} is an ES module (.mts, or "type": "module" in package.json); gradscript run runs CommonJS scripts`,
    );
  }

  const diagnostics = tsi.getPreEmitDiagnostics(program);
  if (!diagnostics.some((d) => d.category === tsi.DiagnosticCategory.Error)) {
    for (const sourceFile of program.getSourceFiles()) {
      if (sourceFile.isDeclarationFile || program.isSourceFileFromExternalLibrary(sourceFile))
        continue;
      // Node names a module by its real path. Asked of the host, so that the cache records it.
      const source = host.realpath?.(sourceFile.fileName) ?? sourceFile.fileName;
      program.emit(sourceFile, (name, text) => {
        if (/\.[cm]?js$/.test(name)) javascript.set(source, text);
      });
    }
  }
  return { diagnostics, javascript, inputs: recorder.inputs, format };
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
    module: tsi.ModuleKind.Node16,
    moduleResolution: tsi.ModuleResolutionKind.Node16,
    esModuleInterop: true,
    skipLibCheck: true,
  };
  const configHost = recorder.record<ts.ParseConfigFileHost>({
    ...tsi.sys,
    // The program is the script and what it imports: the files the config lists are not wanted.
    readDirectory: () => [],
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(tsi.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  const configPath = tsi.findConfigFile(path.dirname(file), configHost.fileExists);
  if (!configPath) return { options: defaults };
  const parsed = tsi.getParsedCommandLineOfConfigFile(configPath, {}, configHost);
  if (!parsed) return { options: defaults };
  const errors = tsi
    .getConfigFileParsingDiagnostics(parsed)
    .filter((d) => d.category === tsi.DiagnosticCategory.Error && d.code !== NO_INPUTS_FOUND);
  return errors.length > 0 ? { errors } : { options: parsed.options };
}
