/**
 * What the language-service plugin adds to each keystroke: on a 500-line file written with
 * natural arithmetic, one character is typed, then the editor asks for diagnostics and a hover,
 * with and without the plugin.
 */
import * as path from 'path';
import * as ts from 'typescript';
import init from '../transformer/language-service';
import { median } from './stats';

const root = path.join(__dirname, '..', '..');
const file = path.join(root, 'bench', 'editor-sample.ts');

/** 500 lines: a chain of Value arithmetic, so every line is rewritten. */
function sample(lines = 500): string {
  const body = [
    "import { Value } from 'gradscript';",
    'const a = new Value(1.5);',
    'const b = new Value(-2);',
    'const x0 = a * b;',
  ];
  // Each line reads one from about halfway up, so inferred types nest only ~log2(500) deep.
  for (let i = 1; body.length < lines - 1; i++) {
    body.push(`const x${i} = (x${i >> 1} * a + b / 2 - ${i % 7}) * 0.5;`);
  }
  body.push(`export const last = x${body.length - 4};`);
  return body.join('\n') + '\n';
}

function service(
  text: () => string,
  version: () => number,
  withPlugin: boolean,
): ts.LanguageService {
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    skipLibCheck: true,
    types: [],
  };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [file],
    getScriptVersion: (name) => (name === file ? String(version()) : '0'),
    getScriptSnapshot: (name) => {
      const content = name === file ? text() : ts.sys.readFile(name);
      return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content);
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (name) => name === file || ts.sys.fileExists(name),
    readFile: (name) => (name === file ? text() : ts.sys.readFile(name)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const plain = ts.createLanguageService(host);
  if (!withPlugin) return plain;
  const info = {
    languageService: plain,
    languageServiceHost: host,
    config: {},
  } as unknown as ts.server.PluginCreateInfo;
  return init({ typescript: ts }).create(info);
}

export function editorBenchmark(keystrokes = 30): void {
  const lines = sample();
  const results: Record<string, number[]> = {};
  for (const withPlugin of [false, true]) {
    let text = lines;
    let version = 0;
    const ls = service(
      () => text,
      () => version,
      withPlugin,
    );
    ls.getSemanticDiagnostics(file); // the first check, before any typing
    const times: number[] = [];
    for (let i = 0; i < keystrokes; i++) {
      // Type one digit into a constant halfway down the file.
      const at = text.indexOf('* 0.5;', text.length / 2);
      text = text.slice(0, at + 5) + String(i % 10) + text.slice(at + 5);
      version++;
      const started = process.hrtime.bigint();
      ls.getSemanticDiagnostics(file);
      ls.getQuickInfoAtPosition(file, text.indexOf('x250') + 1);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    results[withPlugin ? 'plugin' : 'plain'] = times;
  }
  const plain = median(results.plain);
  const plugin = median(results.plugin);
  console.log(
    `\nEditor latency per keystroke on a 500-line file (diagnostics + hover, median of ${keystrokes})`,
  );
  console.log(
    `  plain TypeScript  ${plain.toFixed(1)} ms (reports every operator on a Value as an error)`,
  );
  console.log(
    `  with the plugin   ${plugin.toFixed(1)} ms   added ${(plugin - plain).toFixed(1)} ms, ratio ${(plugin / plain).toFixed(2)}x`,
  );
}

if (require.main === module) editorBenchmark();
