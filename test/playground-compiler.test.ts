/**
 * The playground's compiler: a program in natural arithmetic compiled with the transformer's
 * rewriter over declarations held in memory, as the page's worker does, then run.
 */
import * as ts from 'typescript';
import * as gradscript from '../src/browser';
import * as runtime from '../src/runtime';
import {
  createCompiler,
  declarationsFrom,
  runCompiled,
  type Compiled,
} from '../playground/src/compiler';
import { compilerFiles } from '../playground/compiler-files.cjs';
import { defaultConfig, programFor } from '../playground/src/config';
import { Session } from '../playground/src/session';

const compile = createCompiler(ts, declarationsFrom(compilerFiles()));
const modules = { gradscript, 'gradscript/runtime': runtime };

function run(program: string): { printed: string[]; compiled: Compiled; failed?: unknown } {
  const compiled = compile(program);
  const printed: string[] = [];
  if ('problems' in compiled) return { printed, compiled };
  return { printed, compiled, failed: runCompiled(compiled, modules, (l) => printed.push(l)) };
}

test("the page's program compiles and reaches the loss the page's session reaches", () => {
  const { printed, compiled, failed } = run(programFor(defaultConfig, 30));
  expect('problems' in compiled ? compiled.problems : []).toEqual([]);
  expect(failed).toBeUndefined();
  const session = new Session(defaultConfig, 'eager');
  session.step(30, Infinity);
  expect(printed.at(-1)).toBe(`loss ${session.snapshot().loss}`);
});

test('natural arithmetic on Values is rewritten, and numbers stay numbers', () => {
  const { printed } = run(
    [
      "import { Value } from 'gradscript';",
      'const a = new Value(2), b = new Value(-3);',
      'const y = a * b + 10 - 2 ** 3;',
      'y.backward();',
      'console.log(y.data, a.grad, b.grad, 7 * 6);',
    ].join('\n'),
  );
  expect(printed).toEqual(['-4 -3 2 42']);
});

test('a type error is reported at its line, and nothing runs', () => {
  const { compiled, printed } = run(
    [
      "import { Value } from 'gradscript';",
      "console.log('ran');",
      "const lr: number = 'fast';",
      'const v = new Value(1) * 2;',
    ].join('\n'),
  );
  expect(compiled).toEqual({
    problems: [
      { line: 3, column: 7, message: "Type 'string' is not assignable to type 'number'." },
    ],
  });
  expect(printed).toEqual([]);
});

test('an import the page cannot give is a problem at the import', () => {
  const { compiled } = run("import * as fs from 'fs';\nconsole.log(fs);\n");
  expect(compiled).toEqual({
    problems: [expect.objectContaining({ line: 1, message: expect.stringContaining("'fs'") })],
  });
});

test("an error thrown while the program runs is reported at the program's line", () => {
  const { printed, failed } = run(
    [
      "import { MLP, Value } from 'gradscript';",
      'const a = new Value(1);',
      "console.log('before', (a * 3).data);",
      '',
      'const model = new MLP(2, [0, 1]);',
      "console.log('after');",
    ].join('\n'),
  );
  expect(printed).toEqual(['before 3']);
  expect(failed).toEqual({
    line: 5,
    column: 1,
    message: 'Error: MLP layer 0 size must be a positive integer, got 0',
  });
});
