/**
 * What the language-service plugin adds to each keystroke, through a real tsserver as an editor
 * runs it: on files of 500 and 2,000 lines written with natural arithmetic, one character is
 * typed, then the editor asks for diagnostics and a hover. Two tsservers answer side by side, one
 * on a project without the plugin (plain TypeScript, which reports every operator on a Value as
 * an error) and one on the same project with it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TsServer } from '../test/tsserver';
import { type Figure, median, publish } from './stats';

const root = path.join(__dirname, '..', '..');

/** A chain of Value arithmetic, so every line is rewritten. */
function sample(lines: number): string {
  const body = [
    "import { Value } from 'gradscript';",
    'const a = new Value(1.5);',
    'const b = new Value(-2);',
    'const x0 = a * b;',
  ];
  // Each line reads one from about halfway up, so inferred types nest only ~log2(lines) deep.
  for (let i = 1; body.length < lines - 1; i++) {
    body.push(`const x${i} = (x${i >> 1} * a + b / 2 - ${i % 7}) * 0.5;`);
  }
  body.push(`export const last = x${body.length - 4};`);
  return body.join('\n') + '\n';
}

/** A project folder holding `text` as sample.ts, with or without the plugin in its tsconfig. */
function project(scratch: string, name: string, text: string, withPlugin: boolean): string {
  const folder = path.join(scratch, name);
  fs.mkdirSync(folder);
  const compilerOptions = {
    target: 'ES2022',
    module: 'node16',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    plugins: withPlugin ? [{ name: 'gradscript/language-service' }] : [],
  };
  fs.writeFileSync(path.join(folder, 'tsconfig.json'), JSON.stringify({ compilerOptions }));
  const file = path.join(folder, 'sample.ts');
  fs.writeFileSync(file, text);
  return file;
}

/** An editor typing into one file on one tsserver. */
class Editor {
  private readonly hover: number;
  readonly times: number[] = [];

  constructor(
    readonly server: TsServer,
    private readonly file: string,
    private text: string,
  ) {
    this.hover = text.split('\n').findIndex((line) => line.startsWith('const x250 '));
  }

  async open(): Promise<void> {
    this.server.notify('open', { file: this.file, fileContent: this.text });
    await this.server.request('semanticDiagnosticsSync', { file: this.file }); // before any typing
  }

  /** Types digit `i % 10` into a constant halfway down the file; records the ms to diagnostics and a hover. */
  async keystroke(i: number): Promise<void> {
    const { file, text } = this;
    const at = text.indexOf('* 0.5;', text.length / 2) + 5;
    const before = text.slice(0, at).split('\n');
    const line = before.length;
    const offset = before[before.length - 1].length + 1;
    this.text = text.slice(0, at) + String(i % 10) + text.slice(at);
    const started = process.hrtime.bigint();
    this.server.notify('change', {
      file,
      line,
      offset,
      endLine: line,
      endOffset: offset,
      insertString: String(i % 10),
    });
    await this.server.request('semanticDiagnosticsSync', { file });
    await this.server.request('quickinfo', { file, line: this.hover + 1, offset: 7 });
    this.times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
}

export async function editorBenchmark(count = 30): Promise<Figure[]> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-editor-bench-'));
  // tsserver finds plugins in <probe>/node_modules; point it at this package.
  fs.mkdirSync(path.join(scratch, 'node_modules'));
  fs.symlinkSync(root, path.join(scratch, 'node_modules', 'gradscript'), 'dir');
  const figures: Figure[] = [];
  try {
    for (const lines of [500, 2000]) {
      const text = sample(lines);
      // Both servers at once, taking turns keystroke by keystroke: whatever else the machine is
      // doing then slows both alike, and the ratio stays what the plugin adds.
      const editors = [false, true].map(
        (withPlugin) =>
          new Editor(
            new TsServer(scratch),
            project(scratch, `${withPlugin ? 'plugin' : 'plain'}-${lines}`, text, withPlugin),
            text,
          ),
      );
      try {
        for (const editor of editors) await editor.open();
        for (let i = 0; i < count; i++) for (const editor of editors) await editor.keystroke(i);
      } finally {
        for (const editor of editors) editor.server.close();
      }
      const [plain, plugin] = editors.map((editor) => median(editor.times));
      const added = plugin - plain;
      figures.push(
        {
          key: `editor.${lines}.plain.ms`,
          label: `editor, ${lines}-line file, a keystroke's diagnostics + hover: plain TypeScript`,
          value: plain,
          unit: 'ms',
          ratio: 1,
        },
        {
          key: `editor.${lines}.plugin.ms`,
          label: `editor, ${lines}-line file, a keystroke's diagnostics + hover: with the plugin (${added >= 0 ? '+' : ''}${added.toFixed(0)} ms)`,
          value: plugin,
          unit: 'ms',
          ratio: plugin / plain,
        },
      );
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return figures;
}

if (require.main === module) void editorBenchmark().then(publish);
