/**
 * What a bundler gets for `gradscript` under the browser condition (src/browser.ts) must load in
 * a page: nothing it imports, however indirectly, may be a Node built-in or one of the Node-side
 * dependencies (CSV streams, Vega, Graphviz, ONNX protobufs, the command line).
 */
import { builtinModules } from 'module';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const NODE_SIDE = [
  'csv-parse',
  'vega',
  'vega-lite',
  '@viz-js/viz',
  'onnx-proto',
  'commander',
  'cli-progress',
];

/** Every package the file imports (at run time: type-only imports are erased), through its relative imports. */
function packagesImported(entry: string): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = ts.createSourceFile(
      file,
      fs.readFileSync(file, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const specifiers: string[] = [];
    const collect = (node: ts.Node) => {
      if (
        (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) ||
        (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier)
      ) {
        specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword
      ) {
        const [argument] = node.arguments;
        if (argument && ts.isStringLiteral(argument)) specifiers.push(argument.text);
      }
      ts.forEachChild(node, collect);
    };
    collect(source);
    for (const specifier of specifiers) {
      if (!specifier.startsWith('.')) {
        found.set(specifier, path.relative(path.join(__dirname, '..'), file));
        continue;
      }
      const base = path.resolve(path.dirname(file), specifier);
      visit(fs.existsSync(`${base}.ts`) ? `${base}.ts` : path.join(base, 'index.ts'));
    }
  };
  visit(entry);
  return found;
}

test('the browser entry imports no Node built-in and no Node-side dependency', () => {
  const imported = packagesImported(path.join(__dirname, '..', 'src', 'browser.ts'));
  const nodeOnly = [...imported].filter(
    ([name]) =>
      name.startsWith('node:') || builtinModules.includes(name) || NODE_SIDE.includes(name),
  );
  expect(nodeOnly).toEqual([]);
});
