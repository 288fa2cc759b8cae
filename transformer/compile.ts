/**
 * Type-checks, rewrites and compiles a script and everything it imports, in memory: what
 * `gradscript run file.ts` executes.
 */
import type * as ts from 'typescript';
import * as path from 'path';
import { rewriteProgram } from './program';
import type { TypeScript } from './rewrite';

export interface CompiledScript {
  /** Every diagnostic, at the user's positions. */
  diagnostics: readonly ts.Diagnostic[];
  /** Emitted JavaScript (with an inline source map) by the path of the TypeScript file it came from. */
  javascript: Map<string, string>;
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
  plugins: [],
};

export function compileScript(tsi: TypeScript, entry: string): CompiledScript {
  const file = path.resolve(entry);
  if (!tsi.sys.fileExists(file)) throw new Error(`no such file: ${entry}`);
  const options = { ...projectOptions(tsi, file), ...RUN_OPTIONS };
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
  const host = tsi.createCompilerHost(options);
  const program = rewriteProgram(tsi, tsi.createProgram([file], options, host), host);
  if (program.getSourceFile(file)?.impliedNodeFormat === ModuleKind.ESNext) {
    throw new Error(
      `${entry} is an ES module (.mts, or "type": "module" in package.json); gradscript run runs CommonJS scripts`,
    );
  }

  const diagnostics = tsi.getPreEmitDiagnostics(program);
  const javascript = new Map<string, string>();
  if (!diagnostics.some((d) => d.category === tsi.DiagnosticCategory.Error)) {
    for (const sourceFile of program.getSourceFiles()) {
      if (sourceFile.isDeclarationFile || program.isSourceFileFromExternalLibrary(sourceFile))
        continue;
      program.emit(sourceFile, (name, text) => {
        if (/\.[cm]?js$/.test(name)) javascript.set(path.resolve(sourceFile.fileName), text);
      });
    }
  }
  const formatHost: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
  };
  return {
    diagnostics,
    javascript,
    format: (list, color) =>
      color
        ? tsi.formatDiagnosticsWithColorAndContext(list, formatHost)
        : tsi.formatDiagnostics(list, formatHost),
  };
}

/** The options of the tsconfig.json nearest the script, or strict defaults when there is none. */
function projectOptions(tsi: TypeScript, file: string): ts.CompilerOptions {
  const defaults: ts.CompilerOptions = {
    strict: true,
    target: tsi.ScriptTarget.ES2022,
    module: tsi.ModuleKind.Node16,
    moduleResolution: tsi.ModuleResolutionKind.Node16,
    esModuleInterop: true,
    skipLibCheck: true,
  };
  const configPath = tsi.findConfigFile(path.dirname(file), tsi.sys.fileExists);
  if (!configPath) return defaults;
  const parsed = tsi.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...tsi.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(tsi.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  return parsed ? parsed.options : defaults;
}
