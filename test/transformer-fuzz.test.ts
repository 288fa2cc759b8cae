/**
 * Fuzzing the transformer: random programs mixing Value and number arithmetic, each generated
 * twice, in natural arithmetic and with explicit method calls; the rewritten natural form must
 * compute exactly what the method form computes, and call every function in the same order.
 * Each program is also laid out as formatters and people lay code out (line breaks before and
 * after operators, comments inside expressions, no semicolons) and compiled under several
 * tsconfig profiles. Programs with no Value must come out byte for byte as they went in, and a
 * type error planted anywhere must be reported where it was planted.
 */
import * as fc from 'fast-check';
import * as path from 'path';
import * as ts from 'typescript';
import { rewriteProgram } from '../transformer/program';
import { compilerOptions, runModule } from './compile';

const SEED = 20261124;
const PROGRAMS = 300;
const PLAIN_PROGRAMS = 100;
const PLANTED_ERRORS = 100;
/** Programs per layout variant and per tsconfig profile. */
const VARIANT_PROGRAMS = 60;

type Kind = 'value' | 'number' | 'maybe';
/** An expression in both spellings, with its precedence for printing without extra parentheses. */
interface Expr {
  natural: string;
  method: string;
  kind: Kind;
  precedence: number;
}

const BINARY = [
  { op: '+', method: 'add', precedence: 12 },
  { op: '-', method: 'sub', precedence: 12 },
  { op: '*', method: 'mul', precedence: 13 },
  { op: '/', method: 'div', precedence: 13 },
  { op: '**', method: 'pow', precedence: 14 },
] as const;
const PRIMARY = 20;
const UNARY = 15;

const parens = (e: Expr, min: number) => (e.precedence < min ? `(${e.natural})` : e.natural);

function leaf(natural: string, kind: Kind): Expr {
  return { natural, method: natural, kind, precedence: PRIMARY };
}

function binary(op: (typeof BINARY)[number], left: Expr, right: Expr): Expr {
  // Left-associative operators need parentheses around an equal-precedence right operand;
  // `**` is right-associative, and a unary operand on its left is a syntax error.
  const natural =
    op.op === '**'
      ? `${parens(left, UNARY + 1)} ** ${parens(right, op.precedence)}`
      : `${parens(left, op.precedence)} ${op.op} ${parens(right, op.precedence + 1)}`;
  const kind: Kind =
    left.kind === 'number' && right.kind === 'number'
      ? 'number'
      : left.kind === 'value' || right.kind === 'value'
        ? 'value'
        : 'maybe';
  let method: string;
  if (kind === 'number') method = `(${left.method} ${op.op} ${right.method})`;
  else if (left.kind === 'value') method = `${left.method}.${op.method}(${right.method})`;
  else if (left.kind === 'number' && right.kind === 'value')
    method = `Value.from(${left.method}).${op.method}(${right.method})`;
  else method = `lift('${op.method}', ${left.method}, ${right.method})`;
  // One side is a Value, so the result is one too (the runtime helper's overloads say so).
  if (kind === 'value' && method.startsWith('lift')) method = `(${method} as Value)`;
  return { natural, method, kind, precedence: op.precedence };
}

function negate(operand: Expr): Expr {
  const natural = `-${parens(operand, UNARY)}`;
  const method =
    operand.kind === 'value'
      ? `${operand.method}.neg()`
      : operand.kind === 'number'
        ? `(-${operand.method})`
        : `negate(${operand.method})`;
  return {
    natural: natural.startsWith('--') ? `-(${natural.slice(1)})` : natural,
    method,
    kind: operand.kind,
    precedence: UNARY,
  };
}

function comparison(op: string, left: Expr, right: Expr): Expr {
  const data = (e: Expr) => (e.kind === 'number' ? e.method : `Value.from(${e.method}).data`);
  return {
    // `a < (b) > (c)` parses as a call with type arguments, so a right side that opens with a
    // parenthesis gets `0 +` in front: the same comparison, and still natural arithmetic.
    natural: `(${left.natural} ${op} ${right.natural.startsWith('(') ? '0 + ' : ''}${right.natural} ? 1 : 0)`,
    // A unary plus on each side, or `x < ((a) > (b) ? 1 : 0)` can read as a call with type arguments.
    method: `(+${data(left)} ${op} +${data(right)} ? 1 : 0)`,
    kind: 'number',
    precedence: PRIMARY,
  };
}

/** Expressions over the given names. */
function expression(names: {
  value: string[];
  number: string[];
  maybe: string[];
}): fc.Arbitrary<Expr> {
  const leaves = fc.oneof(
    fc.constantFrom(...names.value).map((n) => leaf(n, 'value')),
    fc.constantFrom(...names.number).map((n) => leaf(n, 'number')),
    fc.constantFrom(...names.maybe).map((n) => leaf(n, 'maybe')),
    fc.constantFrom('2', '0.5', '3', '1.25').map((n) => leaf(n, 'number')),
    fc.constantFrom("('ab' + n0).length").map((n) => leaf(n, 'number')),
  );
  const { tree } = fc.letrec<{ tree: Expr }>((rec) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaves,
      fc
        .tuple(fc.constantFrom(...BINARY), rec('tree'), rec('tree'))
        .map(([op, l, r]) => binary(op, l, r)),
      rec('tree').map(negate),
      fc
        .tuple(fc.constantFrom('<', '<=', '>', '>='), rec('tree'), rec('tree'))
        .map(([op, l, r]) => comparison(op, l, r)),
    ),
  }));
  return tree;
}

const COMPOUND = [
  { op: '+=', method: 'add', op1: '+' },
  { op: '-=', method: 'sub', op1: '-' },
  { op: '*=', method: 'mul', op1: '*' },
  { op: '/=', method: 'div', op1: '/' },
] as const;

interface Program {
  natural: string;
  method: string;
}

/** A whole program: declarations, then statements that grow the set of names they may use. */
const program: fc.Arbitrary<Program> = fc
  .array(fc.tuple(fc.nat(10), fc.constantFrom(...COMPOUND), fc.nat(1000)), {
    minLength: 3,
    maxLength: 10,
  })
  .chain((shape) => {
    const names = {
      value: ['v0', 'v1', 'w0', 'obj.p', 'd0'],
      number: ['n0', 'n1', 'd1'],
      maybe: ['u0'],
    };
    return fc.tuple(...shape.map(() => fc.tuple(expression(names), fc.nat(9)))).map((exprs) => {
      const natural: string[] = [];
      const method: string[] = [];
      shape.forEach(([form, compound, pick], k) => {
        const [e] = exprs[k];
        if (form < 4) {
          natural.push(`const t${k} = ${e.natural}; out.push(t${k});`);
          method.push(`const t${k} = ${e.method}; out.push(t${k});`);
        } else if (form < 6) {
          // Compound assignment to a name whose type can hold the result.
          const targets =
            e.kind === 'number' ? ['w0', 'm0', 'u0'] : e.kind === 'value' ? ['w0', 'u0'] : ['u0'];
          const target = targets[pick % targets.length];
          natural.push(`${target} ${compound.op} ${e.natural};`);
          const again =
            target === 'w0'
              ? `w0.${compound.method}(${e.method})`
              : target === 'u0'
                ? `lift('${compound.method}', u0, ${e.method})`
                : `m0 ${compound.op1} ${e.method}`;
          method.push(`${target} = ${again};`);
        } else if (form < 8 && e.kind !== 'maybe') {
          natural.push(`obj.p ${compound.op} ${e.natural};`);
          method.push(`obj.p = obj.p.${compound.method}(${e.method});`);
        } else if (form === 10 && e.kind !== 'maybe') {
          // Calls with effects in the target's key and on the right: JavaScript evaluates the
          // object, the key, reads the target, and only then the right side (which here also
          // replaces the element the target names).
          natural.push(`arr[at(${k})] ${compound.op} effect(${e.natural}, ${k});`);
          method.push(
            `{ const o = arr; const key = at(${k}); const old = o[key]; const r = effect(${e.method}, ${k}); o[key] = old.${compound.method}(r); }`,
          );
        } else if (e.kind !== 'maybe') {
          natural.push(`arr[i++ % 3] ${compound.op} ${e.natural};`);
          method.push(
            `{ const k = i++ % 3; const r = ${e.method}; arr[k] = arr[k].${compound.method}(r); }`,
          );
        } else {
          natural.push(`out.push(${e.natural});`);
          method.push(`out.push(${e.method});`);
        }
      });
      // d0's type is inferred from arithmetic that is itself being rewritten.
      return {
        natural: template(natural.join('\n  '), 'v0 * v1 - 1'),
        method: template(method.join('\n  '), 'v0.mul(v1).sub(1)'),
      };
    });
  });

function template(body: string, declared: string): string {
  return `import { Value } from 'gradscript';

const arithmetic = { add: (a: number, b: number) => a + b, sub: (a: number, b: number) => a - b, mul: (a: number, b: number) => a * b, div: (a: number, b: number) => a / b, pow: (a: number, b: number) => a ** b };
export function lift(m: keyof typeof arithmetic, a: Value | number, b: Value | number): Value | number {
  return typeof a === 'number' && typeof b === 'number' ? arithmetic[m](a, b) : Value.from(a)[m](b);
}

export function negate(a: Value | number): Value | number {
  return typeof a === 'number' ? -a : a.neg();
}

export function results(): number[] {
  const v0 = new Value(1.25);
  const v1 = new Value(-0.75);
  const n0 = 0.5;
  const n1 = -2;
  const d0 = ${declared};
  const d1 = n0 * 2;
  let w0 = new Value(0.3);
  let m0 = 1.5;
  let u0: Value | number = n1 > 0 ? v1 : 0.25;
  const obj = { p: new Value(0.5) };
  const arr = [new Value(1), new Value(-1), new Value(2)];
  let i = 0;
  const out: (Value | number)[] = [];
  const calls: number[] = [];
  const at = (k: number) => (calls.push(k), k % 3);
  const effect = <T,>(x: T, k: number) => {
    calls.push(100 + k);
    arr[k % 3] = new Value(k);
    return x;
  };
  ${body}
  out.push(w0, m0, u0, obj.p, ...arr);
  const values = out.map((x) => (typeof x === 'number' ? x : x.data));
  Value.sum(out).backward();
  return [...values, v0.grad, v1.grad, i, ...calls];
}
`;
}

/** Compiles virtual files (inside this package, so `gradscript` resolves) in one program. */
function compile(files: Map<string, string>, options: ts.CompilerOptions = compilerOptions) {
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, ...rest) =>
    files.has(name)
      ? ts.createSourceFile(name, files.get(name)!, ts.ScriptTarget.ES2022)
      : getSourceFile(name, ...rest);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  return rewriteProgram(ts, ts.createProgram([...files.keys()], options, host), host);
}

function run(source: string): number[] {
  return runModule<{ results(): number[] }>(source).results();
}

const virtual = (name: string) => path.join(__dirname, 'fuzz', `${name}.ts`);

test(`${PROGRAMS} random programs compute the same in natural arithmetic as with method calls`, () => {
  const programs = fc.sample(program, { seed: SEED, numRuns: PROGRAMS });
  const files = new Map<string, string>();
  programs.forEach((p, k) => {
    files.set(virtual(`natural${k}`), p.natural);
    files.set(virtual(`method${k}`), p.method);
  });
  const compiled = compile(files);
  const diagnostics = ts.getPreEmitDiagnostics(compiled);
  expect(
    ts.formatDiagnostics(diagnostics.slice(0, 3), {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => __dirname,
      getNewLine: () => '\n',
    }),
  ).toBe('');
  programs.forEach((p, k) => {
    const natural = compiled.getSourceFile(virtual(`natural${k}`))!.text;
    const method = compiled.getSourceFile(virtual(`method${k}`))!.text;
    // Every line of the program stays where it was.
    expect(natural.split('\n').length).toBe(p.natural.split('\n').length);
    expect({ program: k, results: run(natural) }).toEqual({ program: k, results: run(method) });
  });
}, 120_000);

test(`${PLAIN_PROGRAMS} random programs with no Value come out byte for byte as they went in`, () => {
  const plain = expression({ value: ['n2'], number: ['n0', 'n1'], maybe: ['n3'] });
  const programs = fc.sample(fc.array(plain, { minLength: 1, maxLength: 8 }), {
    seed: SEED + 1,
    numRuns: PLAIN_PROGRAMS,
  });
  const files = new Map<string, string>();
  programs.forEach((exprs, k) => {
    const body = exprs.map((e, j) => `export const r${j} = ${e.natural};`).join('\n');
    files.set(
      virtual(`plain${k}`),
      `const n0 = 0.5, n1 = -2, n2 = 3, n3 = 1.5;\nlet s = 'x' + n0;\ns += n1;\n${body}\nexport { s };\n`,
    );
  });
  const compiled = compile(files);
  for (const [name, text] of files) expect(compiled.getSourceFile(name)!.text).toBe(text);
}, 60_000);

test(`a type error planted anywhere in ${PLANTED_ERRORS} random programs is reported where it was planted`, () => {
  const programs = fc.sample(fc.tuple(program, fc.nat()), {
    seed: SEED + 2,
    numRuns: PLANTED_ERRORS,
  });
  const files = new Map<string, string>();
  const planted = new Map<string, number>();
  programs.forEach(([p, pick], k) => {
    // Replace one name inside the statements with an unknown one: TS2304 must land right there.
    const body = p.natural.indexOf('const out');
    const candidates = [...p.natural.matchAll(/\b(v0|v1|n0|w0|u0)\b/g)].filter(
      (m) => m.index! > body,
    );
    if (candidates.length === 0) return;
    const m = candidates[pick % candidates.length];
    const text = p.natural.slice(0, m.index) + 'missing' + p.natural.slice(m.index! + m[0].length);
    files.set(virtual(`error${k}`), text);
    planted.set(virtual(`error${k}`), m.index!);
  });
  const compiled = compile(files);
  const found = new Map<string, number[]>();
  for (const d of ts.getPreEmitDiagnostics(compiled)) {
    if (d.code !== 2304) continue;
    found.set(d.file!.fileName, [...(found.get(d.file!.fileName) ?? []), d.start!]);
  }
  for (const [name, start] of planted)
    expect({ name, starts: found.get(name) }).toEqual({ name, starts: [start] });
  expect(planted.size).toBeGreaterThan(PLANTED_ERRORS * 0.9);
}, 60_000);

/** The same program laid out another way; the method-call twin stays as it was. */
const LAYOUTS: Record<string, (text: string) => string> = {
  'a line break after each operator': (text) =>
    text.replace(/ (\*\*|\+|-|\*|\/|<=|>=|<|>) /g, ' $1\n      '),
  'a line break before each operator': (text) =>
    text.replace(/ (\*\*|\+|-|\*|\/|<=|>=|<|>) /g, '\n      $1 '),
  'comments inside expressions': (text) =>
    text.replace(/ (\*\*|\+|-|\*|\/|<=|>=|<|>) /g, ' /* a */ $1 /* b */ '),
  // No line of these programs starts with `(`, `[` or a template: as written, each is safe.
  'no semicolons': (text) => text.replace(/; (?=\S)/g, '\n  ').replace(/;$/gm, ''),
};

test.each(Object.keys(LAYOUTS))(
  `${VARIANT_PROGRAMS} random programs with %s compute what their twins compute`,
  (layout) => {
    const programs = fc.sample(program, { seed: SEED + 3, numRuns: VARIANT_PROGRAMS });
    const files = new Map<string, string>();
    programs.forEach((p, k) => {
      files.set(virtual(`laid${k}`), LAYOUTS[layout](p.natural));
      files.set(virtual(`twin${k}`), p.method);
    });
    const compiled = compile(files);
    expect(formatted(ts.getPreEmitDiagnostics(compiled))).toBe('');
    programs.forEach((_, k) => {
      const natural = compiled.getSourceFile(virtual(`laid${k}`))!.text;
      const method = compiled.getSourceFile(virtual(`twin${k}`))!.text;
      expect(natural.split('\n').length).toBe(files.get(virtual(`laid${k}`))!.split('\n').length);
      expect({ program: k, results: run(natural) }).toEqual({ program: k, results: run(method) });
    });
  },
  120_000,
);

const src = path.join(__dirname, '..', 'src');
/** Inside this repository node10 cannot find the package by name: point it at the sources. */
const node10Paths = {
  gradscript: [path.join(src, 'index.ts')],
  'gradscript/runtime': [path.join(src, 'runtime.ts')],
};
interface Profile {
  options: ts.CompilerOptions;
  extension: string;
  adapt?: (text: string) => string;
  /** The natural-arithmetic file in a language of its own, the twin staying TypeScript. */
  natural?: { extension: string; adapt: (text: string) => string };
}
const PROFILES: Record<string, Profile> = {
  'commonjs with node10 resolution': {
    options: {
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      paths: node10Paths,
    },
    extension: '.ts',
  },
  'commonjs under verbatimModuleSyntax': {
    options: {
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      verbatimModuleSyntax: true,
      paths: node10Paths,
    },
    extension: '.ts',
    // What such a project writes: require-style imports, and `export =`.
    adapt: (text) =>
      text
        .replace(
          "import { Value } from 'gradscript';",
          "import gradscript = require('gradscript');\nimport Value = gradscript.Value;",
        )
        .replace(/^export function /gm, 'function ') + 'export = { lift, negate, results };\n',
  },
  'nodenext, an ES module': {
    options: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
    extension: '.mts',
  },
  'allowJs, the natural form a JSDoc-typed JavaScript file': {
    options: { allowJs: true, checkJs: true },
    extension: '.ts',
    natural: { extension: '.js', adapt: javascriptWithJsDoc },
  },
  'bundler resolution with allowImportingTsExtensions': {
    options: {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
    },
    extension: '.ts',
  },
};

/**
 * The natural form as JavaScript, its types in JSDoc: the helpers it never calls go, and each
 * annotation becomes the JSDoc tag that says the same.
 */
function javascriptWithJsDoc(text: string): string {
  const replacements: [string | RegExp, string][] = [
    [/^const arithmetic = [^]*?(?=^export function results)/m, ''],
    [
      'export function results(): number[] {',
      '/** @returns {number[]} */\nexport function results() {',
    ],
    ['let u0: Value | number =', '/** @type {Value | number} */\n  let u0 ='],
    ['const out: (Value | number)[] = [];', '/** @type {(Value | number)[]} */\n  const out = [];'],
    ['const calls: number[] = [];', '/** @type {number[]} */\n  const calls = [];'],
    ['const at = (k: number) =>', 'const at = (/** @type {number} */ k) =>'],
    [
      'const effect = <T,>(x: T, k: number) => {',
      '/**\n   * @template T\n   * @param {T} x\n   * @param {number} k\n   * @returns {T}\n   */\n  const effect = (x, k) => {',
    ],
  ];
  return replacements.reduce((js, [from, to]) => {
    const replaced = js.replace(from, to);
    if (replaced === js) throw new Error(`the template no longer has ${String(from)}`);
    return replaced;
  }, text);
}

test.each(Object.keys(PROFILES))(
  `${VARIANT_PROGRAMS} random programs under %s compute what their twins compute`,
  (profile) => {
    const { options, extension, adapt = (text: string) => text } = PROFILES[profile];
    const natural = PROFILES[profile].natural ?? { extension, adapt };
    const programs = fc.sample(program, { seed: SEED + 4, numRuns: VARIANT_PROGRAMS });
    const files = new Map<string, string>();
    const name = (kind: string, k: number) =>
      virtual(`${kind}${k}`).replace(/\.ts$/, kind === 'natural' ? natural.extension : extension);
    programs.forEach((p, k) => {
      files.set(name('natural', k), natural.adapt(p.natural));
      files.set(name('method', k), adapt(p.method));
    });
    const compiled = compile(files, { ...compilerOptions, ...options });
    const diagnostics = [...files.keys()].flatMap((file) =>
      ts.getPreEmitDiagnostics(compiled, compiled.getSourceFile(file)),
    );
    expect(formatted(diagnostics)).toBe('');
    programs.forEach((_, k) => {
      const natural = compiled.getSourceFile(name('natural', k))!.text;
      const method = compiled.getSourceFile(name('method', k))!.text;
      expect({ program: k, results: run(natural) }).toEqual({ program: k, results: run(method) });
    });
  },
  120_000,
);

test.each([1, 5, 10, 20, 30])(
  'a chain of %i un-annotated getters and methods settles, declared in either order',
  (depth) => {
    const members = Array.from({ length: depth }, (_, k) =>
      k === 0
        ? '  get g1() { return this.x * 2; }'
        : `  get g${k + 1}() { return this.g${k} * 2; }`,
    );
    members.push(`  m() { return this.g${depth} + 1; }`, '  n() { return this.m() * 3; }');
    const compiled = compile(
      new Map(
        [members, [...members].reverse()].map((body, order) => [
          virtual(`chain${depth}-${order}`),
          `import { Value } from 'gradscript';\nclass Chain {\n  constructor(readonly x: Value) {}\n${body.join('\n')}\n}\nexport function results(): number[] {\n  const x = new Value(1);\n  const y = new Chain(x).n() - 1;\n  y.backward();\n  return [y.data, x.grad];\n}\n`,
        ]),
      ),
    );
    expect(formatted(ts.getPreEmitDiagnostics(compiled))).toBe('');
    for (const order of [0, 1]) {
      const text = compiled.getSourceFile(virtual(`chain${depth}-${order}`))!.text;
      expect(run(text)).toEqual([(2 ** depth + 1) * 3 - 1, 2 ** depth * 3]);
    }
  },
  120_000,
);

test('an optional chain is not skipped past: `m?.w * 2` is reported as it is on numbers', () => {
  const file = virtual('optional');
  const text =
    "import { Value } from 'gradscript';\nconst m: { w: Value } | undefined = Math.random() > 2 ? { w: new Value(1) } : undefined;\nexport const y = m?.w * 2;\n";
  const compiled = compile(new Map([[file, text]]));
  // On numbers TypeScript says TS18048 ('m.w' is possibly 'undefined'); on `(m?.w).mul(2)` it
  // says TS2532 (Object is possibly 'undefined'): the same complaint, at the same place.
  const diagnostics = ts.getPreEmitDiagnostics(compiled);
  expect(diagnostics.map((d) => [d.code, d.start])).toEqual([[2532, text.indexOf('m?.w * 2')]]);
});

function formatted(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics.slice(0, 3), {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => __dirname,
    getNewLine: () => '\n',
  });
}
