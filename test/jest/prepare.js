/**
 * What `npm test` does once the library is built (package.json's pretest): the playground's
 * build and the tests' compile (./compile.js), at once. Each is a process that mostly keeps one
 * core busy, and both only read what the library's build wrote, so on two cores the pair takes
 * as long as the longer one; jest's global set-up then finds the compile up to date.
 */
const { spawn } = require('child_process');
const path = require('path');

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const steps = [
  [npm, ['run', 'build:playground', '--silent']],
  [process.execPath, [path.join(__dirname, 'compile.js')]],
];

Promise.all(
  steps.map(
    ([command, args]) =>
      new Promise((resolve) => {
        const child = spawn(command, args, {
          stdio: 'inherit',
          shell: process.platform === 'win32',
        });
        child.on('close', (status) => resolve(status === 0 ? 0 : 1));
        child.on('error', () => resolve(1));
      }),
  ),
).then((statuses) => {
  process.exitCode = Math.max(...statuses);
});
