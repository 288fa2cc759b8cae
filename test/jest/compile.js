/**
 * jest's global set-up: compiles the whole project once, through the transformer (tspc, as
 * `npm run lint` type-checks it), into node_modules/.cache/gradscript-jest. Each test file then
 * loads its JavaScript from there (./transform.js) instead of compiling itself and everything it
 * imports in each jest worker, which took most of `npm test`'s time. Type errors are reported
 * here and do not stop the tests: `npm run lint` fails on them.
 *
 * The transformer rewrites the whole program before tspc's --incremental can tell what changed,
 * so even an unchanged project took 8 s to compile again: the compile is skipped when nothing it
 * reads has changed since the last one that found no errors (INPUTS says what it reads).
 * `node test/jest/compile.js` compiles as the set-up does (see ./prepare.js).
 */
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { OUT_DIR } = require('./transform');

const ROOT = path.join(__dirname, '..', '..');
/**
 * What the compile reads: the folders tsconfig.json includes (its fixtures excluded), the
 * playground's modules that tests import, the transformer as built (its plugin) and
 * gradscript's built declarations (what `gradscript` resolves to), the tsconfig, and the lock
 * file for everything under node_modules.
 */
const INPUTS = {
  files: ['tsconfig.json', 'package-lock.json'],
  folders: [
    'src',
    'transformer',
    'test',
    'examples',
    'bench',
    'playground',
    'dist/transformer',
    'dist/src',
  ],
  skipped: [path.join('test', 'fixtures')],
  extensions: /\.(d\.)?[cm]?[jt]s$|\.json$/,
};
const KEY_FILE = path.join(OUT_DIR, 'inputs.sha256');

function inputsKey() {
  const hash = crypto.createHash('sha256');
  const add = (relative) => {
    const file = path.join(ROOT, relative);
    if (!fs.existsSync(file) || INPUTS.skipped.includes(relative)) return;
    if (fs.statSync(file).isDirectory()) {
      for (const name of fs.readdirSync(file).sort()) add(path.join(relative, name));
    } else if (INPUTS.files.includes(relative) || INPUTS.extensions.test(relative)) {
      hash.update(relative).update('\0').update(fs.readFileSync(file));
    }
  };
  for (const entry of [...INPUTS.files, ...INPUTS.folders]) add(entry);
  return hash.digest('hex');
}

module.exports = function compileOnce() {
  const key = inputsKey();
  if (fs.existsSync(KEY_FILE) && fs.readFileSync(KEY_FILE, 'utf8') === key) return;
  const started = Date.now();
  const tspc = spawnSync(
    process.execPath,
    [
      require.resolve('ts-patch/bin/tspc'),
      '-p',
      path.join(ROOT, 'tsconfig.json'),
      '--outDir',
      OUT_DIR,
      '--incremental',
      '--tsBuildInfoFile',
      path.join(OUT_DIR, 'tsconfig.tsbuildinfo'),
      '--declaration',
      'false',
      '--sourceMap',
      'false',
      '--inlineSourceMap',
      '--inlineSources',
      '--pretty',
      'false',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (tspc.error) throw tspc.error;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (tspc.status !== 0) {
    fs.rmSync(KEY_FILE, { force: true });
    process.stderr.write(
      `\ntspc reported errors (the tests run on what it emitted; npm run lint fails on them):\n${tspc.stdout}${tspc.stderr}`,
    );
  } else {
    fs.writeFileSync(KEY_FILE, key);
    if (!process.env.CI) {
      process.stderr.write(`\ncompiled the project through the transformer in ${seconds} s\n`);
    }
  }
};

if (require.main === module) module.exports();
