// @ts-check
/**
 * What the program panel's compiler is given, read from the disk when the page is built (and by
 * the tests): TypeScript's lib files for ES2022, and gradscript's built declarations, keyed by
 * their paths in the package or the repository, not on the machine that built them. CommonJS
 * JavaScript, so that both Vite's config (an ES module) and the tests (CommonJS) load it as is.
 */
const fs = require('fs');
const path = require('path');

/** @returns {Record<string, string>} */
function compilerFiles() {
  /** @type {Record<string, string>} */
  const files = {};
  const lib = path.join(__dirname, '..', 'node_modules', 'typescript', 'lib');
  for (const name of fs.readdirSync(lib)) {
    if (/^lib\.(es|decorators).*\.d\.ts$/.test(name)) {
      files[`typescript/lib/${name}`] = fs.readFileSync(path.join(lib, name), 'utf8');
    }
  }
  const built = path.join(__dirname, '..', 'dist', 'src');
  for (const name of /** @type {string[]} */ (fs.readdirSync(built, { recursive: true }))) {
    if (name.endsWith('.d.ts')) {
      files[`dist/src/${name.split(path.sep).join('/')}`] = fs.readFileSync(
        path.join(built, name),
        'utf8',
      );
    }
  }
  return files;
}

module.exports = { compilerFiles };
