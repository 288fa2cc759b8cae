/**
 * The bundler plugin, one implementation for every bundler unplugin serves: `gradscript/vite`,
 * `gradscript/rollup`, `gradscript/webpack`, `gradscript/esbuild` and `gradscript/rspack` are
 * this plugin as each bundler takes one.
 *
 * A bundler compiles each TypeScript file alone and without types, so it cannot tell `a * b` on
 * Values from arithmetic on numbers. This plugin keeps a Program of the whole project (an
 * EditedProject, hosts/project.ts), rewrites it as the compiler plugin does, and hands the bundler each of the project's TypeScript files
 * as JavaScript (types stripped by TypeScript, as `tsc` would emit the file, with a source map
 * back to the user's text), so no other TypeScript loader is needed. After an edit the Program is
 * rebuilt from the last one, and only the edited file and its importers are rewritten again.
 *
 * `vite build` bundles workers with the plugins of `worker.plugins`, not these: list it there too.
 */
import * as path from 'path';
import * as ts from 'typescript';
import type { UnpluginContext, UnpluginInstance, UnpluginOptions } from 'unplugin' with {
  'resolution-mode': 'import',
};
import { DIAGNOSTIC_CODE } from '../core/program';
import { EditedProject, requireTsconfig } from './project';

export interface GradscriptPluginOptions {
  /** The project's tsconfig.json, relative to the root; by default the nearest one at or above the root. */
  tsconfig?: string;
}

/**
 * The modules compiled: TypeScript files themselves, outside node_modules. A query (`?raw`,
 * `?url`) asks for something else made from the file, and `\0` marks a module no file holds.
 */
const TYPESCRIPT_FILE = /^[^?\0]*\.[cm]?tsx?$/;

/** A declaration file (`.d.ts`, `.d.mts`, `.d.css.ts`…): types only, nothing to bundle. */
const DECLARATION_FILE = /\.d\.([^/\\.]+\.)?[cm]?ts$/;

/** A TypeScript file of the project's own: these are compiled, those in node_modules are not. */
const isProjectFile = (id: string) =>
  TYPESCRIPT_FILE.test(id) && !id.split(/[\\/]/).includes('node_modules');

/** A project that the plugin instances building at the same time share, and how many of them there are. */
interface SharedProject {
  project?: EditedProject;
  builds: number;
}

/**
 * The projects of the builds running now, by root and tsconfig option. A Vite build makes an
 * instance of this plugin for the page and another for each worker it bundles (worker.plugins),
 * all over one project, and making a project's rewritten Program is most of an instance's work:
 * the playground's build made it four times, 9 s of its 18. While one build runs, the builds it
 * starts use its project; a build started later, when none runs, reads the files afresh.
 */
const running = new Map<string, SharedProject>();

const plugin = (options: GradscriptPluginOptions = {}): UnpluginOptions => {
  // The bundler's root: Vite says which; the others run where they were started, as tsc does.
  let root = process.cwd();
  let project: EditedProject | undefined;
  /** The project shared with the builds running beside this instance's, while it builds. */
  let shared: SharedProject | undefined;
  /** The rewritten text each Vite environment was last handed for each file (undefined: left alone). */
  const handedOut = new Map<string, Map<string, string | undefined>>();
  const key = () => JSON.stringify([root, options.tsconfig]);

  const projectOf = () => {
    project =
      shared?.project ??
      project ??
      new EditedProject(ts, requireTsconfig(ts, root, options.tsconfig));
    if (shared) shared.project = project;
    return project;
  };

  return {
    name: 'gradscript',
    enforce: 'pre',
    buildStart() {
      shared = running.get(key()) ?? { builds: 0 };
      shared.builds++;
      running.set(key(), shared);
    },
    buildEnd() {
      if (shared && --shared.builds === 0) running.delete(key());
      shared = undefined;
    },
    // The project's own imports resolve as TypeScript resolves them (`./lib` and `./lib.js` are
    // lib.ts, and the tsconfig's paths apply), so a bundler without TypeScript support needs none.
    resolveId(id, importer) {
      // A path is resolved already (webpack asks again with the path this hook returned).
      if (!importer || !isProjectFile(importer) || path.isAbsolute(id)) return null;
      // A declaration file is types only, nothing to bundle.
      const resolved = projectOf().resolve(id, importer)?.resolvedFileName;
      return resolved !== undefined && isProjectFile(resolved) && !DECLARATION_FILE.test(resolved)
        ? resolved
        : null;
    },
    transformInclude: isProjectFile,
    transform(code, id) {
      // Syntax and modules are the bundler's to lower and link: only the types go.
      const compiled = projectOf().compile(id, code, {
        target: ts.ScriptTarget.ESNext,
        module: ts.ModuleKind.ESNext,
      });
      if (!compiled) return null;
      // Bundlers do not type-check, so type errors only warn; an operator with no meaning on a
      // Value leaves code that would compute something else, so that stops the build.
      reportDiagnostics(this, id, compiled.diagnostics);
      const environment = (this as { environment?: { name: string } }).environment?.name;
      if (environment !== undefined) {
        const handed = handedOut.get(environment) ?? new Map<string, string | undefined>();
        handedOut.set(environment, handed.set(id, projectOf().rewrittenText(id)));
      }
      return compiled;
    },
    vite: {
      config(config) {
        // The plugin type-checks the project, seconds of work by design, so Rolldown's timing
        // check would warn on every build, the page's and each worker's; it stays as the user
        // set it, if they did.
        const quiet = (checks: { bundlerTimings?: boolean; pluginTimings?: boolean } = {}) =>
          checks.bundlerTimings === undefined && checks.pluginTimings === undefined
            ? { rolldownOptions: { checks: { bundlerTimings: false } } }
            : {};
        return {
          build: quiet(config.build?.rolldownOptions?.checks),
          worker: quiet(config.worker?.rolldownOptions?.checks),
        };
      },
      configResolved(config) {
        root = config.root;
      },
      async hotUpdate({ type, file, read, modules }) {
        const current = project;
        if (!current?.includes(file)) return;
        current.update(file, type === 'delete' ? undefined : await read());
        // An edit can change how an unedited importer is rewritten (a function now returns a
        // Value): Vite holds that importer's old transform, so it is updated along with the file.
        const { moduleGraph, name } = this.environment;
        const importers = [...(handedOut.get(name) ?? [])]
          .filter(
            ([fileName, text]) => fileName !== file && current.rewrittenText(fileName) !== text,
          )
          .flatMap(([fileName]) => [...(moduleGraph.getModulesByFile(fileName) ?? [])]);
        return importers.length > 0 ? [...modules, ...importers] : undefined;
      },
    },
  };
};

/** Type errors as warnings, gradscript's own errors (an operator with no meaning on a Value) as the error that stops the build. */
function reportDiagnostics(
  context: UnpluginContext,
  id: string,
  diagnostics: readonly ts.Diagnostic[],
) {
  const operatorErrors = diagnostics.filter((d) => d.code === DIAGNOSTIC_CODE);
  for (const typeError of diagnostics) {
    if (typeError.code !== DIAGNOSTIC_CODE && typeError.category === ts.DiagnosticCategory.Error)
      context.warn(logOf(id, typeError));
  }
  if (operatorErrors.length > 0) {
    context.error({
      ...logOf(id, operatorErrors[0]),
      message: operatorErrors.map((e) => logOf(id, e).message).join('\n'),
    });
  }
}

let unplugin: UnpluginInstance<GradscriptPluginOptions | undefined, false> | undefined;

/**
 * The plugin for every bundler. unplugin is an ES module, loaded when a bundler asks for the
 * plugin (Node 20.19 and later load an ES module with require).
 */
export function gradscriptPlugin(): UnpluginInstance<GradscriptPluginOptions | undefined, false> {
  /* eslint-disable-next-line @typescript-eslint/no-require-imports */
  const { createUnplugin } = require('unplugin') as typeof import('unplugin', {
    with: { 'resolution-mode': 'import' },
  });
  return (unplugin ??= createUnplugin(plugin));
}

/** A diagnostic as a bundler's log, at the user's line (1-based) and column (0-based, as Rollup counts). */
function logOf(id: string, diagnostic: ts.Diagnostic) {
  const text = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  if (!diagnostic.file || diagnostic.start === undefined) return { message: text, id };
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  // A build prints its warnings without their loc: the message says where, as gradscript's errors do.
  const where = `${path.relative(process.cwd(), id)}:${line + 1}:${character + 1}`;
  return { message: `${where}: ${text}`, id, loc: { file: id, line: line + 1, column: character } };
}
