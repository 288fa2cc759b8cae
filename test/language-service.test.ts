/**
 * The language-service plugin, loaded by a real tsserver from the fixture's tsconfig.json just as
 * an editor would load it: every answer must speak of the user's own text.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TsServer } from './tsserver';

const fixture = path.join(__dirname, 'fixtures', 'editor', 'sample.ts');
const text = fs.readFileSync(fixture, 'utf8');
let probe: string;
let server: TsServer;

/** The 1-based line and offset of the `nth` occurrence of `needle`, plus `shift` characters. */
function at(needle: string, nth = 1, shift = 0) {
  let index = -1;
  for (let i = 0; i < nth; i++) index = text.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`no ${needle} in the fixture`);
  const before = text.slice(0, index + shift).split('\n');
  return { file: fixture, line: before.length, offset: before[before.length - 1].length + 1 };
}

type Location = { line: number; offset: number };
type Diagnostic = { start: Location; code: number; text: string };

beforeAll(async () => {
  // tsserver finds plugins in <probe>/node_modules; point it at this package.
  probe = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-probe-'));
  fs.mkdirSync(path.join(probe, 'node_modules'));
  fs.symlinkSync(path.join(__dirname, '..'), path.join(probe, 'node_modules', 'gradscript'), 'dir');
  server = new TsServer(probe);
  server.notify('open', { file: fixture });
}, 30_000);

afterAll(() => {
  server.close();
  fs.rmSync(probe, { recursive: true, force: true });
});

test('only the real errors are reported, each at its place', async () => {
  const diagnostics = await server.request<Diagnostic[]>('semanticDiagnosticsSync', {
    file: fixture,
  });
  const shown = diagnostics
    .map((d) => ({ code: d.code, line: d.start.line, offset: d.start.offset }))
    .sort((x, y) => x.line - y.line);
  expect(shown).toEqual([
    { code: 2322, ...pick(at('n: number')) },
    { code: 99001, ...pick(at('% 2')) },
  ]);
}, 30_000);

test('hovering a name bound to natural arithmetic shows Value', async () => {
  const info = await server.request<{ displayString: string; start: Location }>(
    'quickinfo',
    at('d = a * b'),
  );
  expect(info.displayString).toBe('const d: Value');
  expect(pick(info.start)).toEqual(pick(at('d = a * b')));
  const e = await server.request<{ displayString: string }>('quickinfo', at('e = d * 2'));
  expect(e.displayString).toBe('const e: Value');
}, 30_000);

test('completions after `d.` list the Value members', async () => {
  const completions = await server.request<{ entries: { name: string }[] }>(
    'completionInfo',
    at('d.backward', 1, 2),
  );
  const names = completions.entries.map((e) => e.name);
  expect(names).toEqual(expect.arrayContaining(['backward', 'grad', 'data', 'mul', 'tanh']));
}, 30_000);

test('go-to-definition from inside a rewritten expression lands on the declaration', async () => {
  const definitions = await server.request<{ start: Location }[]>(
    'definition',
    at('a * b;\nconst g', 1, 4),
  );
  expect(definitions.map((d) => pick(d.start))).toEqual([pick(at('b = new Value'))]);
}, 30_000);

test('signature help inside a rewritten expression', async () => {
  const help = await server.request<{
    items: { prefixDisplayParts: { text: string }[] }[];
    applicableSpan: { start: Location };
  }>('signatureHelp', at('Math.max(1', 1, 9));
  expect(help.items[0].prefixDisplayParts.map((p) => p.text).join('')).toContain('max(');
  expect(pick(help.applicableSpan.start)).toEqual(pick(at('1, 2')));
}, 30_000);

test('renaming a variable used in rewritten expressions renames it everywhere, in the user’s text', async () => {
  const rename = await server.request<{ locs: { locs: { start: Location }[] }[] }>(
    'rename',
    at('a = new Value'),
  );
  const places = rename.locs.flatMap((file) => file.locs.map((l) => pick(l.start)));
  expect(places).toEqual([
    pick(at('a = new Value')),
    pick(at('a * b', 1)),
    pick(at('a;\nconst n')),
    pick(at('a * b', 2)),
    pick(at('a % 2')),
  ]);
}, 30_000);

test('references to a name used in rewritten expressions are found at the user’s positions', async () => {
  const references = await server.request<{ refs: { start: Location }[] }>(
    'references',
    at('d = a * b'),
  );
  expect(references.refs.map((r) => pick(r.start))).toEqual([
    pick(at('d = a * b')),
    pick(at('d.backward')),
    pick(at('d * 2')),
    pick(at('d * Math')),
  ]);
}, 30_000);

function pick(location: { line: number; offset: number }) {
  return { line: location.line, offset: location.offset };
}

test('after an edit, the answers follow the new text', async () => {
  const fix = at('a % 2', 1, 1);
  server.notify('change', {
    ...fix,
    endLine: fix.line,
    endOffset: fix.offset,
    insertString: '.data',
  });
  const diagnostics = await server.request<Diagnostic[]>('semanticDiagnosticsSync', {
    file: fixture,
  });
  expect(diagnostics.map((d) => d.code)).toEqual([2322]);
  // A new line at the top moves everything below it; hover and diagnostics move with it.
  server.notify('change', {
    file: fixture,
    line: 3,
    offset: 1,
    endLine: 3,
    endOffset: 1,
    insertString: 'const h = new Value(1) * 2;\n',
  });
  const moved = await server.request<Diagnostic[]>('semanticDiagnosticsSync', { file: fixture });
  expect(moved.map((d) => pick(d.start))).toEqual([{ line: 9, offset: 7 }]);
  const info = await server.request<{ displayString: string }>('quickinfo', {
    file: fixture,
    line: 3,
    offset: 7,
  });
  expect(info.displayString).toBe('const h: Value');
}, 30_000);

describe('a file being typed', () => {
  const unfinished = path.join(__dirname, 'fixtures', 'editor', 'unfinished.ts');
  const program = [
    "import { Value } from 'gradscript';",
    'const a = new Value(2), b = new Value(-3), c = new Value(10);',
    'let d = a * b + c;',
    'd += 2 * a;',
    'const e = -(d ** 2) / (1 + a);',
    'e.backward();',
    'function f(x: Value, y: number) { return x * y; }',
  ].join('\n');

  /** Opens `text` as the unfinished file; returns its diagnostics' lines and a locator. */
  async function open(text: string) {
    // On disk too, so that tsserver puts it in the fixture's project, where the plugin is.
    fs.writeFileSync(unfinished, text);
    server.notify('open', { file: unfinished, fileContent: text });
    const locate = (needle: string, shift = 0) => {
      const index = text.indexOf(needle);
      if (index < 0) throw new Error(`no ${needle}`);
      const before = text.slice(0, index + shift).split('\n');
      return {
        file: unfinished,
        line: before.length,
        offset: before[before.length - 1].length + 1,
      };
    };
    const semantic = await server.request<Diagnostic[]>('semanticDiagnosticsSync', {
      file: unfinished,
    });
    return { semantic, locate };
  }

  afterEach(() => {
    server.notify('close', { file: unfinished });
  });
  // Removed only at the end: a file deleted and written again between tests can reach tsserver's
  // watcher after the next open, which then takes the file out of the project (and the plugin).
  afterAll(() => {
    fs.rmSync(unfinished, { force: true });
  });

  test('with `d.` half typed, nothing above it is red, `d` is a Value and completions list its members', async () => {
    const { semantic, locate } = await open(`${program}\nd.`);
    expect(semantic).toEqual([]);
    const info = await server.request<{ displayString: string }>('quickinfo', locate('d = a'));
    expect(info.displayString).toBe('let d: Value');
    const completions = await server.request<{ entries: { name: string }[] }>(
      'completionInfo',
      locate('\nd.', 3),
    );
    expect(completions.entries.map((e) => e.name)).toEqual(
      expect.arrayContaining(['backward', 'grad', 'data', 'tanh']),
    );
  }, 30_000);

  test.each([
    ['a partial name', `${program}\nd.ba`],
    ['an unfinished call', `${program}\nf(a * b, `],
    ['an unclosed block', `${program}\nif (d.data > 0) {\n  const g = d * 2;`],
    ['an unclosed object literal', `${program}\nconst o = { w: a * b,`],
    ['a missing parenthesis', `${program}\nconst h = (a * b;`],
    ['a stray token mid-file', program.replace('e.backward();', 'e.backward(); )')],
  ])(
    '%s: no false errors on the complete lines',
    async (_, text) => {
      const { semantic } = await open(text);
      // Only the unfinished piece may be red: never a complete line above it.
      const unfinishedFrom = text.includes(' )') ? 6 : program.split('\n').length + 1;
      const red = semantic.map((d) => d.start.line);
      expect(red.filter((line) => line < unfinishedFrom)).toEqual([]);
      // And the whole program above was rewritten: `d` is a Value.
      const info = await server.request<{ displayString: string }>('quickinfo', {
        file: unfinished,
        line: 3,
        offset: 5,
      });
      expect(info.displayString).toBe('let d: Value');
    },
    30_000,
  );

  test('a quick fix inside a rewritten expression edits the text as written', async () => {
    const text = [
      "import { Value } from 'gradscript';",
      'const a = new Value(2), bias = new Value(3);',
      'const y = (a * biass + 1) * a;',
      '',
    ].join('\n');
    const { semantic, locate } = await open(text);
    const misspelt = locate('biass');
    expect(semantic.map((d) => ({ code: d.code, ...pick(d.start) }))).toEqual([
      { code: 2552, ...pick(misspelt) },
    ]);
    const fixes = await server.request<
      {
        fixName: string;
        changes: {
          fileName: string;
          textChanges: { start: Location; end: Location; newText: string }[];
        }[];
      }[]
    >('getCodeFixes', {
      file: unfinished,
      startLine: misspelt.line,
      startOffset: misspelt.offset,
      endLine: misspelt.line,
      endOffset: misspelt.offset + 'biass'.length,
      errorCodes: [2552],
    });
    const spelling = fixes.find((f) => f.fixName === 'spelling');
    expect(spelling?.changes).toEqual([
      {
        fileName: unfinished,
        textChanges: [
          {
            start: pick(misspelt),
            end: { line: misspelt.line, offset: misspelt.offset + 'biass'.length },
            newText: 'bias',
          },
        ],
      },
    ]);
  }, 30_000);

  test('a keystroke that turns a Value operand into a number is rewritten afresh', async () => {
    const text = [
      "import { Value } from 'gradscript';",
      'const a = new Value(2), b = new Value(3);',
      'const a2 = 5;',
      'const y = a * b;',
      '',
    ].join('\n');
    const { semantic, locate } = await open(text);
    expect(semantic).toEqual([]);
    // Typing `2` after `a` in `a * b` leaves the carried rewriting calling `a2.mul(b)`, on a
    // number; the plugin must notice and rewrite the file as `b.rmul(a2)`.
    const end = locate('a * b', 1);
    server.notify('change', {
      ...end,
      endLine: end.line,
      endOffset: end.offset,
      insertString: '2',
    });
    const after = await server.request<Diagnostic[]>('semanticDiagnosticsSync', {
      file: unfinished,
    });
    expect(after).toEqual([]);
    const info = await server.request<{ displayString: string }>('quickinfo', locate('y ='));
    expect(info.displayString).toBe('const y: Value');
  }, 30_000);
});
