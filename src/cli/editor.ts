/**
 * `gradscript editor [-p DIR]`: sets a project up so that VS Code (and any editor that runs
 * tsserver) shows natural arithmetic as gradscript compiles it, whatever TypeScript the project
 * has. The language-service plugin runs inside tsserver, which TypeScript 7 no longer ships; so
 * the editor is pointed at gradscript's own TypeScript (found from gradscript itself, wherever
 * npm put it), and the plugin is named in tsconfig.json. Both files keep their comments.
 */
import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import type * as ts from 'typescript';

export const PLUGIN_NAME = 'gradscript/language-service';

export function editorCommand(): Command {
  return new Command('editor')
    .description(
      "set up VS Code and other tsserver editors: gradscript's TypeScript and its language-service plugin",
    )
    .option('-p, --project <dir>', 'the folder with tsconfig.json', '.')
    .action((flags: { project: string }) => {
      for (const line of setUpEditor(path.resolve(flags.project))) console.log(line);
    });
}

/** Names the plugin in DIR/tsconfig.json and points DIR/.vscode/settings.json at gradscript's TypeScript; says what it did. */
export function setUpEditor(dir: string): string[] {
  // Loaded here: `gradscript run` on a cached script loads no compiler.
  /* eslint-disable-next-line @typescript-eslint/no-require-imports */
  const tsi = require('typescript') as typeof ts;
  const tsconfig = path.join(dir, 'tsconfig.json');
  if (!fs.existsSync(tsconfig)) {
    throw new Error(`no tsconfig.json in ${dir}: run tsc --init there first, or give -p DIR`);
  }
  const said: string[] = [];
  const config = fs.readFileSync(tsconfig, 'utf8');
  const withPlugin = addPlugin(tsi, config, tsconfig);
  if (withPlugin === config) said.push(`tsconfig.json already names ${PLUGIN_NAME}`);
  else {
    fs.writeFileSync(tsconfig, withPlugin);
    said.push(`tsconfig.json: added { "name": "${PLUGIN_NAME}" } to compilerOptions.plugins`);
  }

  const lib = path.dirname(require.resolve('typescript'));
  const tsdk = path.relative(dir, lib).split(path.sep).join('/');
  const settingsFile = path.join(dir, '.vscode', 'settings.json');
  const settings = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : '{}\n';
  let updated = setProperty(tsi, settings, settingsFile, 'typescript.tsdk', tsdk);
  updated = setProperty(
    tsi,
    updated,
    settingsFile,
    'typescript.enablePromptUseWorkspaceTsdk',
    true,
  );
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, updated);
  said.push(
    `.vscode/settings.json: "typescript.tsdk": "${tsdk}" (gradscript's TypeScript ${tsi.version})`,
    'In VS Code: open a .ts file, run "TypeScript: Select TypeScript Version", pick "Use Workspace Version".',
    `Other editors: start tsserver from ${path.join(lib, 'tsserver.js')}.`,
  );
  return said;
}

/** The JSON text with `{ "name": PLUGIN_NAME }` in compilerOptions.plugins, comments and layout kept. */
function addPlugin(tsi: typeof ts, text: string, file: string): string {
  const root = rootObject(tsi, text, file);
  const options = property(tsi, root, 'compilerOptions');
  const entry = `{ "name": "${PLUGIN_NAME}" }`;
  if (!options) return insertProperty(text, root, `"compilerOptions": { "plugins": [${entry}] }`);
  if (!tsi.isObjectLiteralExpression(options.initializer)) {
    throw new Error(`${file}: compilerOptions is not an object`);
  }
  const plugins = property(tsi, options.initializer, 'plugins');
  if (!plugins) return insertProperty(text, options.initializer, `"plugins": [${entry}]`);
  const list = plugins.initializer;
  if (!tsi.isArrayLiteralExpression(list)) throw new Error(`${file}: plugins is not a list`);
  const named = list.elements.some(
    (e) =>
      tsi.isObjectLiteralExpression(e) &&
      e.properties.some(
        (p) =>
          tsi.isPropertyAssignment(p) &&
          tsi.isStringLiteral(p.initializer) &&
          p.initializer.text === PLUGIN_NAME,
      ),
  );
  if (named) return text;
  const at = list.elements.length > 0 ? list.elements.end : list.getStart() + 1;
  return text.slice(0, at) + (list.elements.length > 0 ? `, ${entry}` : entry) + text.slice(at);
}

/** The JSON text with the top-level `key` set to `value`, the rest as it was. */
function setProperty(
  tsi: typeof ts,
  text: string,
  file: string,
  key: string,
  value: string | boolean,
): string {
  const root = rootObject(tsi, text, file);
  const existing = property(tsi, root, key);
  const json = JSON.stringify(value);
  if (!existing) return insertProperty(text, root, `${JSON.stringify(key)}: ${json}`);
  const { initializer } = existing;
  return text.slice(0, initializer.getStart()) + json + text.slice(initializer.end);
}

function rootObject(tsi: typeof ts, text: string, file: string): ts.ObjectLiteralExpression {
  const { error } = tsi.parseConfigFileTextToJson(file, text);
  // With parents set, so that a node can find its own start past the comments before it.
  const json = tsi.createSourceFile(file, text, tsi.ScriptTarget.JSON, true, tsi.ScriptKind.JSON);
  const root = (json.statements[0] as ts.ExpressionStatement | undefined)?.expression;
  if (error || !root || !tsi.isObjectLiteralExpression(root)) {
    const why = error ? `: ${tsi.flattenDiagnosticMessageText(error.messageText, ' ')}` : '';
    throw new Error(`${file} is not a JSON object${why}`);
  }
  return root;
}

function property(
  tsi: typeof ts,
  object: ts.ObjectLiteralExpression,
  key: string,
): ts.PropertyAssignment | undefined {
  return object.properties.find(
    (p): p is ts.PropertyAssignment =>
      tsi.isPropertyAssignment(p) && tsi.isStringLiteral(p.name) && p.name.text === key,
  );
}

/** `property` (JSON text) added as the object's first property, indented as its others are. */
function insertProperty(text: string, object: ts.ObjectLiteralExpression, property: string) {
  const first = object.properties[0];
  if (first) {
    const start = first.getStart();
    const indent = /[ \t]*$/.exec(text.slice(0, start))![0];
    return `${text.slice(0, start)}${property},\n${indent}${text.slice(start)}`;
  }
  const lineStart = text.lastIndexOf('\n', object.getStart()) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  return `${text.slice(0, object.getStart())}{\n${indent}  ${property}\n${indent}}${text.slice(object.end)}`;
}
