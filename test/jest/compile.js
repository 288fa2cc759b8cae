/**
 * jest's global set-up: compiles the whole project once, through the transformer (tspc, as
 * `npm run lint` type-checks it), into node_modules/.cache/gradscript-jest, incrementally: a run
 * after a one-line change recompiles what that change touches. Each test file then loads its
 * JavaScript from there (./transform.js) instead of compiling itself and everything it imports
 * in each jest worker, which took most of `npm test`'s time. Type errors are reported here and
 * do not stop the tests: `npm run lint` fails on them.
 */
const { spawnSync } = require('child_process');
const path = require('path');
const { OUT_DIR } = require('./transform');

module.exports = function compileOnce() {
  const root = path.join(__dirname, '..', '..');
  const started = Date.now();
  const tspc = spawnSync(
    process.execPath,
    [
      require.resolve('ts-patch/bin/tspc'),
      '-p',
      path.join(root, 'tsconfig.json'),
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
    { cwd: root, encoding: 'utf8' },
  );
  if (tspc.error) throw tspc.error;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (tspc.status !== 0) {
    process.stderr.write(
      `\ntspc reported errors (the tests run on what it emitted; npm run lint fails on them):\n${tspc.stdout}${tspc.stderr}`,
    );
  } else if (!process.env.CI) {
    process.stderr.write(`\ncompiled the project through the transformer in ${seconds} s\n`);
  }
};
