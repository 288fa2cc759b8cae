/**
 * jest's transform for TypeScript: the JavaScript that ./compile.js emitted for the file, with
 * its inline source map (stack traces land on the TypeScript lines).
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const ROOT = path.join(__dirname, '..', '..');
const OUT_DIR = path.join(ROOT, 'node_modules', '.cache', 'gradscript-jest');

function compiledFile(sourcePath) {
  const relative = path.relative(ROOT, sourcePath).replace(/\.([cm]?)ts$/, '.$1js');
  return path.join(OUT_DIR, relative);
}

function compiled(sourcePath) {
  const file = compiledFile(sourcePath);
  if (!fs.existsSync(file)) {
    throw new Error(
      `${path.relative(ROOT, sourcePath)} was not compiled by test/jest/compile.js: is it part of tsconfig.json's program?`,
    );
  }
  return requiringDynamicImports(fs.readFileSync(file, 'utf8'), file);
}

/**
 * `import(x)` made `require(x)`, as a CommonJS emit makes it: jest runs modules in a sandbox
 * of its own, where Node's import() needs --experimental-vm-modules. Written on the same line,
 * so the source map still finds each line; `default` is the module, as import() gives it for
 * CommonJS.
 */
function requiringDynamicImports(code, file) {
  if (!code.includes('import(')) return code;
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const calls = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      calls.push(node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  let result = code;
  for (const call of calls.reverse()) {
    const specifier = call.arguments[0].getText(source);
    result =
      result.slice(0, call.getStart(source)) +
      `Promise.resolve().then(() => ((m) => (m && m.__esModule ? m : { ...m, default: m }))(require(${specifier})))` +
      result.slice(call.end);
  }
  return result;
}

module.exports = {
  OUT_DIR,
  process(_sourceText, sourcePath) {
    return { code: compiled(sourcePath) };
  },
  getCacheKey(sourceText, sourcePath) {
    return crypto
      .createHash('sha256')
      .update(sourcePath)
      .update('\0')
      .update(compiled(sourcePath))
      .digest('hex');
  },
};
