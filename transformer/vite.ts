/**
 * The Vite plugin: `plugins: [gradscript()]` in vite.config.ts.
 *
 * Vite compiles each TypeScript file alone and without types, so it cannot tell `a * b` on
 * Values from arithmetic on numbers. This plugin keeps a Program of the whole project, rewrites
 * it as the compiler plugin does, and hands Vite each file's rewritten TypeScript with a source
 * map back to the user's text; Vite strips the types as usual. After an edit the Program is
 * rebuilt from the last one, and only the edited file and its importers are rewritten again.
 *
 * `vite build` bundles workers with the plugins of `worker.plugins`, not these: list it there too.
 */
import { encode, type SourceMapMappings } from '@jridgewell/sourcemap-codec';
import * as path from 'path';
import * as ts from 'typescript';
import type { Plugin } from 'vite' with { 'resolution-mode': 'import' };
import {
  DIAGNOSTIC_CODE,
  parsingJSDocAsTsc,
  ProgramRewriter,
  type RewrittenProgram,
} from './program';

export interface GradscriptViteOptions {
  /** The project's tsconfig.json, relative to Vite's root; by default the nearest one at or above the root. */
  tsconfig?: string;
}

/**
 * The modules rewritten: TypeScript files themselves. A query (`?raw`, `?url`) asks for
 * something else made from the file, and `\0` marks a module no file holds.
 */
const TYPESCRIPT_FILE = /^[^?\0]*\.[cm]?tsx?$/;

export function gradscript(options: GradscriptViteOptions = {}): Plugin {
  let root = process.cwd();
  let project: Project | undefined;
  /** The rewritten text each environment was last handed for each file (undefined: left alone). */
  const handedOut = new Map<string, Map<string, string | undefined>>();

  return {
    name: 'gradscript',
    enforce: 'pre',
    configResolved(config) {
      root = config.root;
    },
    transform(code, id) {
      if (!TYPESCRIPT_FILE.test(id) || id.includes('/node_modules/')) return null;
      project ??= new Project(tsconfigPath(root, options.tsconfig));
      const rewrite = project.rewrite(id, code);
      const handed = handedOut.get(this.environment.name) ?? new Map<string, string | undefined>();
      handedOut.set(this.environment.name, handed.set(id, rewrite?.text));
      if (!rewrite) return null;

      // Vite does not type-check, so type errors only warn; an operator with no meaning on a
      // Value leaves code that would compute something else, so that stops the build.
      const operatorErrors = rewrite.diagnostics.filter((d) => d.code === DIAGNOSTIC_CODE);
      const typeErrors = rewrite.diagnostics.filter(
        (d) => d.code !== DIAGNOSTIC_CODE && d.category === ts.DiagnosticCategory.Error,
      );
      for (const typeError of typeErrors) this.warn(logOf(id, typeError));
      if (operatorErrors.length > 0) {
        this.error({
          ...logOf(id, operatorErrors[0]),
          message: operatorErrors
            .map((e) => ts.flattenDiagnosticMessageText(e.messageText, '\n'))
            .join('\n'),
        });
      }
      return rewrite.text === undefined ? null : { code: rewrite.text, map: rewrite.map };
    },
    async hotUpdate({ type, file, read, modules }) {
      const current = project;
      if (!current?.includes(file)) return;
      current.update(file, type === 'delete' ? undefined : await read());
      // An edit can change how an unedited importer is rewritten (a function now returns a
      // Value): Vite holds that importer's old transform, so it is updated along with the file.
      const { moduleGraph, name } = this.environment;
      const importers = [...(handedOut.get(name) ?? [])]
        .filter(([fileName, text]) => fileName !== file && current.rewrittenText(fileName) !== text)
        .flatMap(([fileName]) => [...(moduleGraph.getModulesByFile(fileName) ?? [])]);
      return importers.length > 0 ? [...modules, ...importers] : undefined;
    },
  };
}

export default gradscript;

interface FileRewrite {
  /** The rewritten TypeScript, or undefined when the file needs no rewriting. */
  text?: string;
  map?: SourceMapV3;
  /** The file's type errors and gradscript's own, at the user's positions. */
  diagnostics: readonly ts.Diagnostic[];
}

interface SourceMapV3 {
  version: 3;
  sources: string[];
  sourcesContent: string[];
  names: string[];
  mappings: string;
}

/** The project's Program as the user wrote it, and as rewritten, kept in step with the files Vite reads. */
class Project {
  private readonly rewriter = new ProgramRewriter(ts);
  private readonly config: ts.ParsedCommandLine;
  /** Root files: the tsconfig's, and any file Vite asked for that the tsconfig leaves out. */
  private readonly roots: Set<string>;
  /** Files changed since the Program was built: the new text, or undefined to read the file again. */
  private readonly edits = new Map<string, string | undefined>();
  private program: ts.Program;
  private rewritten: RewrittenProgram;

  constructor(configPath: string) {
    this.config = parseTsconfig(configPath);
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

  /** `fileName`, whose text Vite read as `text`, rewritten; undefined if it is not TypeScript the Program can hold. */
  rewrite(fileName: string, text: string): FileRewrite | undefined {
    this.update(fileName, text);
    const sourceFile = this.rewritten.getSourceFile(fileName);
    if (!sourceFile) return undefined;
    const diagnostics = this.rewritten.getSemanticDiagnostics(sourceFile);
    if (this.rewriter.rewrittenText(fileName) === undefined) return { diagnostics };
    return { text: sourceFile.text, map: this.sourceMap(sourceFile), diagnostics };
  }

  rewrittenText(fileName: string): string | undefined {
    return this.rewriter.rewrittenText(fileName);
  }

  private build(oldProgram: ts.Program | undefined): [ts.Program, RewrittenProgram] {
    const { options, projectReferences } = this.config;
    const host = parsingJSDocAsTsc(ts, ts.createCompilerHost(options));
    const readSourceFile = host.getSourceFile.bind(host);
    // Unedited files come from the last Program, so a rebuild parses only what changed.
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      const edited = this.edits.get(fileName);
      if (edited !== undefined) return ts.createSourceFile(fileName, edited, languageVersion);
      return (
        (this.edits.has(fileName) ? undefined : oldProgram?.getSourceFile(fileName)) ??
        readSourceFile(fileName, languageVersion, ...rest)
      );
    };
    const program = ts.createProgram({
      rootNames: [...this.roots],
      options,
      projectReferences,
      host,
      oldProgram,
    });
    this.edits.clear();
    return [program, this.rewriter.rewrite(program, host)];
  }

  /**
   * A source map from the rewritten text of `rewritten` back to the user's text: one mapping
   * for each word and each other character, enough for any position to find its origin.
   */
  private sourceMap(rewritten: ts.SourceFile): SourceMapV3 {
    const { fileName, text } = rewritten;
    const original = this.program.getSourceFile(fileName)!;
    const lineStarts = rewritten.getLineStarts();
    const mappings: SourceMapMappings = lineStarts.map((lineStart, line) => {
      const lineText = text.slice(lineStart, lineStarts[line + 1] ?? text.length);
      return [...lineText.matchAll(/[\w$]+|\S/g)].map(({ index }) => {
        const at = this.rewriter.spanToOriginal(fileName, { start: lineStart + index, length: 0 });
        const from = original.getLineAndCharacterOfPosition(at.start);
        return [index, 0, from.line, from.character];
      });
    });
    return {
      version: 3,
      sources: [fileName],
      sourcesContent: [original.text],
      names: [],
      mappings: encode(mappings),
    };
  }
}

/** The tsconfig.json named in the options, else the one nearest Vite's root. */
function tsconfigPath(root: string, option: string | undefined): string {
  const found = option ? path.resolve(root, option) : ts.findConfigFile(root, ts.sys.fileExists);
  if (!found || !ts.sys.fileExists(found)) {
    throw new Error(
      `gradscript: no tsconfig.json ${option ? `at ${found}` : `at or above ${root}`}`,
    );
  }
  return found;
}

function parseTsconfig(configPath: string): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    { noEmit: true },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  // Only an unrecoverable diagnostic, thrown above, leaves nothing parsed.
  return parsed!;
}

/** A diagnostic as a Vite log, at the user's line (1-based) and column (0-based, as Rollup counts). */
function logOf(id: string, diagnostic: ts.Diagnostic) {
  const text = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  if (!diagnostic.file || diagnostic.start === undefined) return { message: text, id };
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  // A build prints its warnings without their loc: the message says where, as gradscript's errors do.
  const where = `${path.relative(process.cwd(), id)}:${line + 1}:${character + 1}`;
  return { message: `${where}: ${text}`, id, loc: { file: id, line: line + 1, column: character } };
}
