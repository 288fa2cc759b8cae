/**
 * Programs typed into a real tsserver as a person types them: character by character for some
 * lines, token by token for the rest, with deletions and retyping. After every edit the
 * editor asks for semantic diagnostics; a diagnostic on a line that is already complete (the
 * lines above the one being typed, as they stand in the finished program) is a false one, and
 * there must be none. Completions after `x.` on a Value must list its methods whenever asked,
 * and a finished Value declaration must hover as a Value.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TsServer } from './tsserver';

type Location = { line: number; offset: number };
type Diagnostic = { start: Location; code: number; text: string };

const editor = path.join(__dirname, 'fixtures', 'editor');
let probe: string;
let server: TsServer;

beforeAll(() => {
  probe = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-probe-'));
  fs.mkdirSync(path.join(probe, 'node_modules'));
  fs.symlinkSync(path.join(__dirname, '..'), path.join(probe, 'node_modules', 'gradscript'), 'dir');
  server = new TsServer(probe);
}, 30_000);

afterAll(() => {
  server.close();
  fs.rmSync(probe, { recursive: true, force: true });
});

const TRAINING_LOOP = `import { MLP, Value } from 'gradscript';
const a = new Value(2), b = new Value(-3), c = new Value(10);
let d = a * b + c;
d += 2 * a;
const e = -(d ** 2) / (1 + a);
e.backward();
const model = new MLP(2, [4, 1], { seed: 1 });
const xs = [[2, 3], [-1, 0.5], [0.5, 1]];
const ys = [1, -1, 1];
for (let step = 0; step < 3; step++) {
  let loss = new Value(0);
  for (let i = 0; i < xs.length; i++) {
    const score = model.forward(xs[i])[0];
    loss = loss + (1 - ys[i] * score).relu();
  }
  loss = loss / xs.length;
  for (const p of model.parameters()) p.grad = 0;
  loss.backward();
  for (const p of model.parameters()) p.data -= 0.1 * p.grad;
}
`;

const CLASS_OF_VALUES = `import { Value } from 'gradscript';
class TwoInputs {
  w = [new Value(0.5), new Value(-0.25)];
  b = new Value(0.1);
  forward(x: number[]) {
    let act = this.b;
    for (let i = 0; i < x.length; i++) act = act + this.w[i] * x[i];
    return act.tanh();
  }
  get weightNorm() {
    return this.w[0] ** 2 + this.w[1] ** 2;
  }
}
const n = new TwoInputs();
const out = n.forward([1, 2]);
const penalty = n.weightNorm * 0.01;
const total = out + penalty;
total.backward();
console.log(total.data, n.b.grad);
`;

// The start of the seed tutorial NN II, as examples/nn2.ts has it.
const SEED_TUTORIAL = `import { Value } from 'gradscript';
const a = new Value(4.0, 'a');
const b = new Value(-3.0, 'b');
const c = new Value(8.0, 'c');
const f = new Value(2.0, 'f');
const L = (a * b + c) * f;
L.backward();
const x1 = new Value(2.0, 'x1');
const x2 = new Value(0.0, 'x2');
const w1 = new Value(-3.0, 'w1');
const w2 = new Value(1.0, 'w2');
const bias = new Value(6.8813735870195432, 'b');
const o = (x1 * w1 + x2 * w2 + bias).relu();
o.backward();
console.log(o.data, x1.grad, w1.grad);
`;

/** A tsserver buffer that is edited as a person edits, keeping its own copy of the text. */
class Buffer {
  text = '';
  constructor(readonly file: string) {}

  private location(index: number): Location {
    const before = this.text.slice(0, index).split('\n');
    return { line: before.length, offset: before[before.length - 1].length + 1 };
  }

  type(piece: string): void {
    const at = this.location(this.text.length);
    server.notify('change', {
      file: this.file,
      ...at,
      endLine: at.line,
      endOffset: at.offset,
      insertString: piece,
    });
    this.text += piece;
  }

  backspace(count: number): void {
    const from = this.location(this.text.length - count);
    const to = this.location(this.text.length);
    server.notify('change', {
      file: this.file,
      ...from,
      endLine: to.line,
      endOffset: to.offset,
      insertString: '',
    });
    this.text = this.text.slice(0, -count);
  }
}

/** Identifiers, numbers, strings, punctuation and runs of whitespace: the steps of typing by token. */
function tokens(line: string): string[] {
  return line.match(/\s+|[A-Za-z_$][\w$]*|\d[\d.]*|'[^']*'|\*\*=?|[-+*/<>=!]=|=>|./g) ?? [];
}

const VALUE_METHODS = ['backward', 'grad', 'data', 'tanh'];

/**
 * What TypeScript itself says, on a function's complete first line, while its body is still
 * being typed ("A 'get' accessor must return a value", "A function whose declared type is …
 * must return a value"): true of the unfinished body, with or without gradscript.
 */
const UNFINISHED_BODY = new Set([2355, 2378]);

describe.each([
  ['a training loop', TRAINING_LOOP, ['a', 'd', 'e', 'loss', 'score'], [1, 2, 3, 4]],
  ['a class holding Values', CLASS_OF_VALUES, ['out', 'penalty', 'total', 'act'], [5, 6]],
  ['the seed tutorial NN II', SEED_TUTORIAL, ['a', 'L', 'o', 'bias'], [5, 12]],
])('typing %s', (name, program, valueNames, characterLines) => {
  test('no false diagnostic at any step, completions and hover on Values throughout', async () => {
    const file = path.join(editor, `replay-${name.replace(/\W+/g, '-')}.ts`);
    fs.writeFileSync(file, program);
    try {
      // The finished program first: any diagnostic it has is a real one, not counted.
      server.notify('open', { file, fileContent: program });
      const real = await server.request<Diagnostic[]>('semanticDiagnosticsSync', { file });
      expect(real).toEqual([]);
      server.notify('close', { file });
      fs.writeFileSync(file, '');
      server.notify('open', { file, fileContent: '' });

      const buffer = new Buffer(file);
      const finalLines = program.split('\n');
      const falseOnes: string[] = [];
      let edits = 0;
      let completionsAsked = 0;

      const check = async () => {
        edits++;
        const diagnostics = await server.request<Diagnostic[]>('semanticDiagnosticsSync', {
          file,
        });
        const lines = buffer.text.split('\n');
        // Complete lines: those above the one being typed, as they are in the finished program.
        const complete = lines.length - 1;
        for (const d of diagnostics) {
          const line = d.start.line - 1;
          if (UNFINISHED_BODY.has(d.code)) continue;
          if (line < complete && lines[line] === finalLines[line]) {
            falseOnes.push(
              `after ${JSON.stringify(buffer.text.slice(-30))}: line ${line + 1}: ${d.text}`,
            );
          }
        }
        // Completions whenever a Value's name has just been followed by a dot.
        const dotted = /(\w+)\.$/.exec(buffer.text);
        if (dotted && valueNames.includes(dotted[1]) && isDeclaredAbove(dotted[1], buffer.text)) {
          completionsAsked++;
          const lines = buffer.text.split('\n');
          const completions = await server.request<{ entries: { name: string }[] } | undefined>(
            'completionInfo',
            { file, line: lines.length, offset: lines[lines.length - 1].length + 1 },
          );
          const names = completions?.entries.map((e) => e.name) ?? [];
          expect({
            after: buffer.text.slice(-40),
            names: VALUE_METHODS.filter((m) => names.includes(m)),
          }).toEqual({
            after: buffer.text.slice(-40),
            names: VALUE_METHODS,
          });
        }
      };

      for (const [index, line] of finalLines.entries()) {
        const steps = characterLines.includes(index) ? [...line] : tokens(line);
        for (const [k, step] of steps.entries()) {
          buffer.type(step);
          await check();
          // Now and then, take back the last steps and type them again.
          if (k > 2 && k % 5 === 0) {
            const undone = steps.slice(k - 2, k + 1).join('');
            buffer.backspace(undone.length);
            await check();
            buffer.type(undone);
            await check();
          }
        }
        if (index < finalLines.length - 1) {
          buffer.type('\n');
          await check();
          // A finished declaration of a Value hovers as one.
          const declared = /^\s*(?:const|let) (\w+) = /.exec(line);
          if (declared && valueNames.includes(declared[1])) {
            const info = await server.request<{ displayString: string }>('quickinfo', {
              file,
              line: index + 1,
              offset: declared[0].lastIndexOf(declared[1]) + 1,
            });
            expect(info.displayString).toMatch(new RegExp(`^(const|let) ${declared[1]}: Value$`));
          }
        }
      }
      expect(buffer.text).toBe(program);
      expect(falseOnes).toEqual([]);
      expect(edits).toBeGreaterThan(100);
      expect(completionsAsked).toBeGreaterThan(0);
    } finally {
      server.notify('close', { file });
      fs.rmSync(file, { force: true });
    }
  }, 300_000);
});

function isDeclaredAbove(name: string, text: string): boolean {
  return new RegExp(`(const|let|for \\(const) ${name}\\b|\\b${name} = `).test(
    text.slice(0, text.lastIndexOf('\n') + 1),
  );
}
