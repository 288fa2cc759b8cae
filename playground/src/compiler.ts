/**
 * Compiles a program written in natural arithmetic where there is no disk: the transformer's
 * in-memory host (transformer/hosts/in-memory.ts), given the standard library, a console and
 * gradscript's declarations. The program gets gradscript's browser API under the name
 * 'gradscript'.
 */
import type * as ts from 'typescript';
import { inMemoryCompiler } from '../../transformer/hosts/in-memory';

/** Where the program is, in the compiler's file system of memory. */
const PROGRAM_FILE = '/program.ts';
/** Where the compiler finds the declarations it is given: `/lib/lib.es2022.d.ts`, `/gradscript/browser.d.ts`… */
const LIB_FOLDER = '/lib';
const GRADSCRIPT_FOLDER = '/gradscript';

/** What went wrong at the program's 1-based line and column: in compiling it, or in running it. */
export interface ProgramProblem {
  line: number;
  column: number;
  message: string;
}

export type Compiled =
  | {
      javascript: string;
      /** The program's line that a line of the JavaScript came from (both 1-based), if any. */
      lineOf(javascriptLine: number): number | undefined;
    }
  | { problems: ProgramProblem[] };

/**
 * The compiler's declarations from files named as a bundler or the disk names them: the
 * TypeScript lib files (`…/typescript/lib/lib.es5.d.ts`) into LIB_FOLDER, gradscript's built
 * declarations (`…/dist/src/nn.d.ts`) into GRADSCRIPT_FOLDER.
 */
export function declarationsFrom(files: Readonly<Record<string, string>>): Map<string, string> {
  const declarations = new Map<string, string>();
  for (const [name, text] of Object.entries(files)) {
    const normal = name.replace(/\\/g, '/');
    const lib = /(?:^|\/)typescript\/lib\/(lib\.[^/]+\.d\.ts)$/.exec(normal);
    const built = /(?:^|\/)dist\/src\/(.+\.d\.ts)$/.exec(normal);
    if (lib) declarations.set(`${LIB_FOLDER}/${lib[1]}`, text);
    else if (built) declarations.set(`${GRADSCRIPT_FOLDER}/${built[1]}`, text);
    else throw new Error(`${name} is neither a TypeScript lib file nor one of gradscript's`);
  }
  return declarations;
}

/** The console a program may write to: the standard library alone has none. */
const CONSOLE = `declare var console: {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
};
`;
const CONSOLE_FILE = `${LIB_FOLDER}/console.d.ts`;

/**
 * A compiler of programs over `declarations` (file name to text: the lib files under
 * LIB_FOLDER, gradscript's under GRADSCRIPT_FOLDER). Declarations are parsed once, for every
 * program compiled.
 */
export function createCompiler(
  tsi: typeof ts,
  declarations: ReadonlyMap<string, string>,
): (program: string) => Compiled {
  const compile = inMemoryCompiler(
    tsi,
    {
      files: new Map(declarations).set(CONSOLE_FILE, CONSOLE),
      libFolder: LIB_FOLDER,
      alsoRoots: [CONSOLE_FILE],
    },
    {
      target: tsi.ScriptTarget.ES2022,
      module: tsi.ModuleKind.CommonJS,
      moduleResolution: tsi.ModuleResolutionKind.Node10,
      lib: ['lib.es2022.d.ts'],
      strict: true,
      skipLibCheck: true,
      types: [],
      sourceMap: true,
      paths: {
        gradscript: [`${GRADSCRIPT_FOLDER}/browser.d.ts`],
        'gradscript/runtime': [`${GRADSCRIPT_FOLDER}/runtime.d.ts`],
      },
    },
  );
  return (text) => {
    const compiled = compile(PROGRAM_FILE, text);
    if ('errors' in compiled) return { problems: compiled.errors.map((d) => problemAt(tsi, d)) };
    return compiled;
  };
}

/** Where a diagnostic falls in the program (the start of the program for one without a place). */
function problemAt(tsi: typeof ts, diagnostic: ts.Diagnostic): ProgramProblem {
  const message = tsi.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return { line: 1, column: 1, message };
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return { line: line + 1, column: character + 1, message };
}

/**
 * Runs a compiled program as a CommonJS module whose `require` knows `modules` only, its
 * console writing to `print`. Returns where it failed, if it threw.
 */
export function runCompiled(
  compiled: Extract<Compiled, { javascript: string }>,
  modules: Readonly<Record<string, unknown>>,
  print: (line: string) => void,
): ProgramProblem | undefined {
  const require = (name: string): unknown => {
    if (Object.hasOwn(modules, name)) return modules[name];
    const known = Object.keys(modules).map((m) => `'${m}'`);
    throw new Error(`a program here can import ${known.join(' and ')} only, not '${name}'`);
  };
  const write = (...data: unknown[]) => print(data.map(formatted).join(' '));
  const console = { log: write, info: write, warn: write, error: write };
  const module = { exports: {} };
  try {
    // The user's program, made a function of the module's names: what a CommonJS loader does.
    new Function('require', 'exports', 'module', 'console', compiled.javascript)(
      require,
      module.exports,
      module,
      console,
    );
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // The program's own frame: `<anonymous>:line:column`, two lines below the function's head.
    const frame = /<anonymous>:(\d+):(\d+)/.exec(error instanceof Error ? (error.stack ?? '') : '');
    const line = frame ? compiled.lineOf(Number(frame[1]) - FUNCTION_HEAD_LINES) : undefined;
    return { line: line ?? 1, column: 1, message };
  }
}

/** The lines `new Function` puts before the body: `function anonymous(…` and `) {`. */
const FUNCTION_HEAD_LINES = 2;

/** A logged value as the console shows it, more or less. */
function formatted(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(formatted).join(', ')}]`;
  return String(value);
}
