/**
 * Python's accumulator, `s = 0` then `s = s + w[i] * x[i]` in a loop, written as
 * `let s: Value | number = 0`: tsc's complaints about the uses of `s` after the loop say what
 * to write instead, and a union that is not an accumulator gets tsc's words alone.
 */
import * as path from 'path';
import * as ts from 'typescript';
import { rewriteProgram } from '../transformer/core/program';
import { compilerOptions, sharingCompilerHost } from './compile';

function diagnosticsOf(text: string): { code: number; start: number; message: string }[] {
  const file = path.join(__dirname, 'fuzz', 'accumulator.ts');
  const host = sharingCompilerHost(compilerOptions);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, ...rest) =>
    name === file
      ? ts.createSourceFile(name, text, ts.ScriptTarget.ES2022)
      : getSourceFile(name, ...rest);
  host.fileExists = (name) => name === file || fileExists(name);
  host.readFile = (name) => (name === file ? text : readFile(name));
  const program = rewriteProgram(ts, ts.createProgram([file], compilerOptions, host), host);
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    code: d.code,
    start: d.start!,
    message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
  }));
}

const ADVICE = /s began as the number 0, .*Value\.sum.*let s = new Value\(0\)/;

test('the uses of a loop-built Value | number accumulator are reported where tsc reports them, with the idiom to write', () => {
  const text = [
    "import { Value } from 'gradscript';",
    'const w = [new Value(1), new Value(2)];',
    'const x = [3, 4];',
    'const softmax = (logits: Value[]): Value[] => logits;',
    'let s: Value | number = 0;',
    'for (let i = 0; i < w.length; i++) s = s + w[i] * x[i];',
    's.backward();',
    'softmax([s]);',
    'export const v: Value = s;',
    '',
  ].join('\n');
  const said = diagnosticsOf(text);
  expect(said.map((d) => [d.code, d.start])).toEqual([
    [2339, text.indexOf('backward')],
    [2322, text.indexOf('s]);')],
    [2322, text.indexOf('v: Value')],
  ]);
  for (const d of said) {
    expect(d.message).toContain("'number | Value'");
    expect(d.message).toMatch(ADVICE);
  }
});

test('a Value | number that no loop builds gets tsc’s words alone, and one that starts as a Value type-checks', () => {
  const text = [
    "import { Value } from 'gradscript';",
    'declare const pick: boolean;',
    'let s: Value | number = 0;',
    'if (pick) s = new Value(1);',
    's.backward();',
    'let t: Value | number = new Value(0);',
    'for (let i = 0; i < 2; i++) t = t * 2;',
    't.backward();',
    '',
  ].join('\n');
  const said = diagnosticsOf(text);
  expect(said.map((d) => [d.code, d.start])).toEqual([[2339, text.indexOf('backward')]]);
  for (const d of said) expect(d.message).not.toMatch(/began as/);
});
