/**
 * The order jest starts test files in. With two workers the run ends when the last file does,
 * so the slowest files must start first. jest orders by the times it cached from the last run;
 * on a fresh clone it has none and falls back to file size, which started consumer.test.ts
 * (two minutes) and examples.test.ts (a minute and a half) among the last. Unless every file
 * has a cached time (a run of a few files leaves times for those alone), the files in SLOWEST
 * below start first, slowest first, and the rest follow in jest's order.
 */
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

/** The files that took longest in full runs on a two-core machine, slowest first. */
const SLOWEST = [
  'playground.e2e',
  'consumer',
  'run',
  'templates',
  'typing-replay',
  'transformer-fuzz',
  'train-reliability',
  'playground-data.e2e',
  'examples',
  'playground-names.e2e',
  'train-cli',
  'real-data',
  'microgpt',
  'onnx',
  'transformer',
  'ts-jest-route',
  'playground',
];

module.exports = class SlowestFirst extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const name = path.basename(test.path).replace(/\.test\.ts$/, '');
      const known = SLOWEST.indexOf(name);
      return known < 0 ? SLOWEST.length : known;
    };
    if (tests.every((test) => this.time(test) !== undefined)) return super.sort(tests);
    const bySize = super.sort(tests);
    return bySize
      .map((test, order) => ({ test, order }))
      .sort((a, b) => rank(a.test) - rank(b.test) || a.order - b.order)
      .map(({ test }) => test);
  }
};
