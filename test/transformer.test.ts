import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import {
  ProgramRewriter,
  rewriteProgram,
  type RewrittenProgram,
} from '../transformer/core/program';
import { compilerOptions, runModule, sharingCompilerHost } from './compile';
import { decode } from '@jridgewell/sourcemap-codec';
import { PositionMaps } from '../transformer/core/position-map';

const fixtures = path.join(__dirname, 'fixtures', 'transform');
const options = compilerOptions;

function rewrite(file: string): RewrittenProgram {
  const host = sharingCompilerHost(options);
  return rewriteProgram(ts, ts.createProgram([file], options, host), host);
}

const load = runModule<Record<string, () => unknown>>;

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => fixtures,
  getNewLine: () => '\n',
};

const pairs = fs
  .readdirSync(fixtures)
  .filter((f) => f.endsWith('.output.ts'))
  .map((f) => f.replace('.output.ts', ''));

describe.each(pairs)('fixture %s', (name) => {
  const input = path.join(fixtures, `${name}.ts`);
  const program = rewrite(input);

  test('rewrites to the expected text, with no diagnostics', () => {
    expect(ts.formatDiagnostics(ts.getPreEmitDiagnostics(program), formatHost)).toBe('');
    const expected = fs.readFileSync(path.join(fixtures, `${name}.output.ts`), 'utf8');
    expect(program.getSourceFile(input)!.text).toBe(expected);
  });

  test('keeps every line where it was', () => {
    const original = fs.readFileSync(input, 'utf8').split('\n').length;
    expect(program.getSourceFile(input)!.text.split('\n').length).toBe(original);
  });

  test('runs to the same numbers as the plain-number computation', () => {
    const fixture = load(program.getSourceFile(input)!.text);
    const results = fixture.results() as unknown[];
    const expected = fixture.expected() as unknown[];
    expected.forEach((value, i) => {
      if (typeof value === 'number') expect(results[i]).toBeCloseTo(value, 12);
      else expect(results[i]).toEqual(value);
    });
  });
});

test('the rewritten fixtures give the same numbers as their method-call twins', () => {
  for (const name of pairs) {
    const natural = load(
      rewrite(path.join(fixtures, `${name}.ts`)).getSourceFile(path.join(fixtures, `${name}.ts`))!
        .text,
    );
    const methods = load(fs.readFileSync(path.join(fixtures, `${name}.output.ts`), 'utf8'));
    expect(natural.results()).toEqual(methods.results());
  }
});

describe('diagnostics', () => {
  const file = path.join(fixtures, 'errors.ts');
  const program = rewrite(file);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const text = fs.readFileSync(file, 'utf8');
  const expected = [...text.matchAll(/\/\*!(\d+)\*\//g)].map((m) => ({
    code: Number(m[1]),
    start: m.index! + m[0].length,
  }));

  test('lands every expected error at the marker in the user’s own text', () => {
    // Nothing else: TypeScript's own complaints about the same operands give way to gradscript's.
    const found = diagnostics.map((d) => ({ code: d.code, start: d.start! }));
    expect(found).toEqual(expected);
    for (const d of diagnostics) expect(d.file?.text).toBe(text);
  });

  test('names the operator and the file, line and column', () => {
    const messages = diagnostics
      .filter((d) => d.code === 99001)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/the operator '%' has no meaning on a Value \(.*errors\.ts:8:38\)/),
        expect.stringMatching(
          /the operator '\+\+' has no meaning on a Value .*write x = x \+ 1 instead/,
        ),
        expect.stringMatching(/the operator '~'/),
        expect.stringMatching(/the operator '<<'/),
        expect.stringMatching(/the operator '\|='/),
      ]),
    );
  });

  test('a file with a syntax error is reported as TypeScript reports it, unrewritten', () => {
    const broken = path.join(fixtures, 'syntax-error.ts.txt');
    const host = sharingCompilerHost(options);
    const source = fs.readFileSync(broken, 'utf8');
    const getSourceFile = host.getSourceFile;
    host.getSourceFile = (name, ...rest) =>
      name === broken.replace('.txt', '')
        ? ts.createSourceFile(name, source, ts.ScriptTarget.ES2022)
        : getSourceFile(name, ...rest);
    host.fileExists = (name) => name === broken.replace('.txt', '') || ts.sys.fileExists(name);
    const program = rewriteProgram(
      ts,
      ts.createProgram([broken.replace('.txt', '')], options, host),
      host,
    );
    const syntax = program.getSyntacticDiagnostics();
    expect(syntax.map((d) => d.code)).toEqual([1005]);
    expect(program.getSourceFile(broken.replace('.txt', ''))!.text).toBe(source);
  });
});

test('the README’s tour under tsc --init’s options is reported as tsc reports its number twin', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const tour = /## A short tour\n\n```ts\n([^]*?)```/.exec(readme)![1];
  // An ES module beside this package, so that `gradscript` resolves to it.
  const file = path.join(__dirname, 'fuzz', 'tour.mts');
  const initOptions: ts.CompilerOptions = {
    ...options,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    verbatimModuleSyntax: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
  };
  const host = sharingCompilerHost(initOptions);
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (name, ...rest) =>
    name === file
      ? ts.createSourceFile(name, tour, ts.ScriptTarget.ES2022)
      : getSourceFile(name, ...rest);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = rewriteProgram(ts, ts.createProgram([file], initOptions, host), host);
  // On numbers (`y: number[]`, `forward` giving `number[]`) tsc says TS2532 at `y[i]` and at
  // `model.forward(point)[0]`: elements that may be missing.
  const diagnostics = ts.getPreEmitDiagnostics(program);
  expect(diagnostics.map((d) => [d.code, d.start])).toEqual([
    [2532, tour.indexOf('y[i]')],
    [2532, tour.indexOf('model.forward(point)[0]')],
  ]);
});

test('source maps point at the user’s own line and column', () => {
  const file = path.join(fixtures, 'binary.ts');
  const host = sharingCompilerHost({
    ...options,
    noEmit: false,
    sourceMap: true,
    outDir: '/virtual',
  });
  const program = rewriteProgram(
    ts,
    ts.createProgram(
      [file],
      { ...options, noEmit: false, sourceMap: true, outDir: '/virtual' },
      host,
    ),
    host,
  );
  const written = new Map<string, string>();
  program.emit(program.getSourceFile(file), (name, text) => written.set(path.basename(name), text));
  const js = written.get('binary.js')!.split('\n');
  const mappings = decode(JSON.parse(written.get('binary.js.map')!).mappings);
  const original = fs.readFileSync(file, 'utf8').split('\n');
  // `c` in `1 / c` (rewritten to `c.rdiv(1)`) must map to the `c` the user wrote.
  const line = js.findIndex((l) => l.includes('c.rdiv(1)'));
  const column = js[line].indexOf('c.rdiv(1)');
  const segment = mappings[line].filter((s) => s[0] <= column).pop()!;
  expect(original[segment[2]!].slice(segment[3]!)).toMatch(/^c - 2 \*\* b;/);
});

/** Rewrites the given files (name → text) in a folder of their own, returning the final texts and diagnostics. */
function rewriteFiles(
  files: Record<string, string>,
  extra: ts.CompilerOptions = {},
  jsDocParsingMode = ts.JSDocParsingMode.ParseAll,
) {
  const dir = fs.mkdtempSync(path.join(fixtures, '..', 'tmp-'));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const fileOptions = { ...options, ...extra };
    const host = sharingCompilerHost(fileOptions);
    host.jsDocParsingMode = jsDocParsingMode;
    const roots = Object.keys(files).map((name) => path.join(dir, name));
    const program = rewriteProgram(ts, ts.createProgram(roots, fileOptions, host), host);
    const text = (name: string) => program.getSourceFile(path.join(dir, name))!.text;
    const diagnostics = ts.formatDiagnostics(
      roots.flatMap((root) => ts.getPreEmitDiagnostics(program, program.getSourceFile(root))),
      formatHost,
    );
    return { text, diagnostics, rounds: program.gradscriptRounds };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the runtime import', () => {
  const union = [
    "import { Value } from 'gradscript';",
    'const a = new Value(2);',
    'const u: Value | number = Math.random() > 2 ? 1 : a;',
    'export const y = u * a;',
    '',
  ].join('\n');

  test('comes after a /// directive and pragmas, on the first statement’s line', () => {
    const { text, diagnostics } = rewriteFiles({
      'main.ts': `/// <reference lib="es2022" />\n// @ts-nocheck-free comment\n${union}`,
    });
    expect(diagnostics).toBe('');
    expect(text('main.ts').split('\n').slice(0, 3)).toEqual([
      '/// <reference lib="es2022" />',
      '// @ts-nocheck-free comment',
      'import __gradscript = require("gradscript/runtime"); import { Value } from \'gradscript\';',
    ]);
  });

  test.each([
    ['parsed', ts.JSDocParsingMode.ParseAll],
    ['skipped, as tsc skips it', ts.JSDocParsingMode.ParseForTypeErrors],
  ])('leaves the first statement its doc comment, the JSDoc %s', (_, mode) => {
    const { text, diagnostics } = rewriteFiles(
      { 'main.ts': `// Licence line.\n/** The model's first weight. */\n${union}` },
      {},
      mode,
    );
    expect(diagnostics).toBe('');
    expect(text('main.ts').split('\n').slice(0, 3)).toEqual([
      '// Licence line.',
      'import __gradscript = require("gradscript/runtime"); /** The model\'s first weight. */',
      "import { Value } from 'gradscript';",
    ]);
  });

  test('is a require in CommonJS output, so verbatimModuleSyntax accepts it', () => {
    const declarations = path.join(__dirname, '..', 'dist', 'src');
    const { text, diagnostics } = rewriteFiles(
      {
        'main.ts': [
          "import gradscript = require('gradscript');",
          'const a = new gradscript.Value(2);',
          'const u: gradscript.Value | number = Math.random() > 2 ? 1 : a;',
          'console.log(u * a);',
          '',
        ].join('\n'),
      },
      {
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        verbatimModuleSyntax: true,
        // Inside this repository node10 cannot find the package by name: point it where the
        // package's exports point (what the build wrote, as for every other test here).
        paths: {
          gradscript: [path.join(declarations, 'index.d.ts')],
          'gradscript/runtime': [path.join(declarations, 'runtime.d.ts')],
        },
      },
    );
    expect(diagnostics).toBe('');
    expect(text('main.ts')).toMatch(/^import __gradscript = require\("gradscript\/runtime"\); /);
  });

  test('is an ES import in an ES module', () => {
    const { text, diagnostics } = rewriteFiles({
      'main.mts': union,
    });
    expect(diagnostics).toBe('');
    expect(text('main.mts')).toMatch(/^import \* as __gradscript from "gradscript\/runtime"; /);
  });

  test('goes away when a later round settles every helper call into a method call', () => {
    // `h` is typed by lib.ts, which is rewritten in the same round as main.ts: main.ts first
    // sees a number, and calls the helper; the next round knows better.
    const { text, diagnostics } = rewriteFiles({
      'lib.ts':
        "import { Value } from 'gradscript';\nconst a = new Value(2);\nexport const h = a * a;\n",
      'main.ts':
        "import { Value } from 'gradscript';\nimport { h } from './lib';\nconst b = new Value(3);\nexport const y = h * b + 2 * h;\nexport const n = -h;\n",
    });
    expect(diagnostics).toBe('');
    expect(text('main.ts')).not.toContain('__gradscript');
    expect(text('main.ts')).toContain('export const y = h.mul(b).add(h.rmul(2));');
    expect(text('main.ts')).toContain('export const n = h.neg();');
  });

  test('JavaScript files typed by JSDoc are rewritten too, and require the runtime', () => {
    const { text, diagnostics } = rewriteFiles(
      {
        'main.js': [
          '// @ts-check',
          "const { Value } = require('gradscript');",
          'const a = new Value(2);',
          '/** @type {Value | number} */',
          'const u = Math.random() > 2 ? 1 : a;',
          'const loss = a * a + u * 3;',
          'loss.backward();',
          'module.exports = { loss };',
          '',
        ].join('\n'),
      },
      { allowJs: true, checkJs: true, module: ts.ModuleKind.Node16 },
    );
    expect(diagnostics).toBe('');
    expect(text('main.js')).toContain(
      'const __gradscript = require("gradscript/runtime"); const { Value } = require(\'gradscript\');',
    );
    expect(text('main.js')).toContain('const loss = a.mul(a).add(__gradscript.mul(u, 3));');
  });
});

describe('a rewriting carried across edits, as the editor does', () => {
  const file = path.join(fixtures, 'carried.ts');
  /** The rewritten text of `text`, from a rewriter that saw the texts before it. */
  function rewriteInSequence(texts: string[]): { carried: string; fresh: string }[] {
    const rewriter = new ProgramRewriter(ts, { carryRewritesAcrossEdits: true });
    let oldProgram: ts.Program | undefined;
    return texts.map((text) => {
      const host = sharingCompilerHost(options);
      const { getSourceFile } = host;
      host.getSourceFile = (name, ...rest) =>
        name === file
          ? ts.createSourceFile(name, text, ts.ScriptTarget.ES2022)
          : getSourceFile(name, ...rest);
      host.fileExists = (name) => name === file || ts.sys.fileExists(name);
      const program = ts.createProgram({ rootNames: [file], options, host, oldProgram });
      oldProgram = program;
      const carried = rewriter.rewrite(program, host).getSourceFile(file)!.text;
      const fresh = rewriteProgram(ts, ts.createProgram([file], options, host), host).getSourceFile(
        file,
      )!.text;
      return { carried, fresh };
    });
  }

  const start = [
    "import { Value } from 'gradscript';",
    'const a = new Value(2);',
    'const b = new Value(3);',
    'const n = 4;',
    'const x = a * b + 0.5;',
    'const y = x * 2 - n;',
    '',
  ].join('\n');

  test('each edit gives what rewriting the new text afresh gives', () => {
    const edits = [
      start,
      start.replace('0.5;', '0.55;'), // a digit typed: carried
      start.replace('0.5;', '0.555;'),
      start.replace('a * b', 'n * b').replace('0.5;', '0.555;'), // a Value becomes a number
      start.replace('a * b', 'n * n').replace('0.5;', '0.555;'), // no Value left in x
      start.replace('a * b', 'a * n').replace('0.5;', '0.555;'), // and back
      start.replace('x * 2', 'xx * 2').replace('const x', 'const xx'),
    ];
    for (const [k, { carried, fresh }] of rewriteInSequence(edits).entries()) {
      expect({ edit: k, text: carried }).toEqual({ edit: k, text: fresh });
    }
  });
});

describe('a rewriting kept on disk (gradscript run’s cache)', () => {
  test('its position maps come back from numbers answering every question as before', () => {
    // inference.ts takes several rounds: each round's map must survive.
    const file = path.join(fixtures, 'inference.ts');
    const host = sharingCompilerHost(options);
    const rewriter = new ProgramRewriter(ts);
    rewriter.rewrite(ts.createProgram([file], options, host), host);
    const { text, maps } = rewriter.rewriting(file)!;
    expect(maps.toNumbers().length).toBeGreaterThan(1);
    const restored = PositionMaps.fromNumbers(JSON.parse(JSON.stringify(maps.toNumbers())));
    const original = fs.readFileSync(file, 'utf8');
    for (let p = 0; p <= text.length; p++) {
      expect(restored.toOriginal(p)).toBe(maps.toOriginal(p));
      expect(restored.isInserted(p)).toBe(maps.isInserted(p));
    }
    for (let p = 0; p <= original.length; p++) {
      expect(restored.toGenerated(p)).toBe(maps.toGenerated(p));
    }
  });

  test.each([
    ['a segment cut short', [[0, 4]], /three numbers per segment/],
    ['an empty segment', [[0, 0, 1]], /not a position map segment: 0, 0, 1/],
    ['a fractional offset', [[0.5, 2, 1]], /not a position map segment/],
    ['a copied flag of 2', [[0, 2, 2]], /not a position map segment/],
  ])('numbers that no map makes are refused: %s', (_, numbers, message) => {
    expect(() => PositionMaps.fromNumbers(numbers)).toThrow(message);
  });
});

describe('members whose inferred types the rewriting changes', () => {
  const model = [
    "import { Value } from 'gradscript';",
    'const a = new Value(2);',
    "export const o = { p: a * a, 'q': a * 3 };",
    'export class Layer {',
    '  w = a * 2;',
    '  get g() {',
    '    return this.w * 2;',
    '  }',
    '}',
    '',
  ].join('\n');

  test('declared in another file rewritten in the same round, are rewritten where they are used', () => {
    const { text, diagnostics } = rewriteFiles({
      'model.ts': model,
      'main.ts': [
        "import { Layer, o } from './model';",
        "export const r = o.p * 2 + o['q'] * 1 + new Layer().g * 3;",
        'r.backward();',
        '',
      ].join('\n'),
    });
    expect(diagnostics).toBe('');
    expect(text('main.ts')).toContain(
      "export const r = o.p.mul(2).add(o['q'].mul(1)).add(new Layer().g.mul(3));",
    );
  });

  test('declared by `this.p = …` in JavaScript, are rewritten where they are used', () => {
    const { text, diagnostics } = rewriteFiles(
      {
        'main.js': [
          "const { Value } = require('gradscript');",
          'const a = new Value(2);',
          'class Model {',
          '  constructor() {',
          '    this.p = a * a;',
          '  }',
          '}',
          'const r = new Model().p * 2;',
          'r.backward();',
          'module.exports = { r };',
          '',
        ].join('\n'),
      },
      { allowJs: true, checkJs: true },
    );
    expect(diagnostics).toBe('');
    expect(text('main.js')).toContain('const r = new Model().p.mul(2);');
  });
});
