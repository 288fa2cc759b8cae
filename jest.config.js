/**
 * Two projects. `unit` is quick and needs nothing built but the transformer (which
 * `npm run test:unit` compiles first). `integration` is the rest: the built commands, the packed
 * package installed into projects, tsserver, Chromium (all needing `npm run build`, which
 * `npm test` runs first), and the transformer's fuzzers, which take minutes.
 */
const INTEGRATION = [
  'bad-input',
  'build-watch',
  'consumer',
  'examples',
  'language-service',
  'microgpt',
  'onnx',
  'playground',
  'playground-server',
  'playground.e2e',
  'playground-data.e2e',
  'playground-names.e2e',
  'real-data',
  'run',
  'templates',
  'train-cli',
  'train-reliability',
  'transformer-fuzz',
  'typing-replay',
  'vite',
  'vscode-extension',
];
const integration = `/test/(${INTEGRATION.map((name) => name.replace('.', '\\.')).join('|')})\\.test\\.ts$`;
/** Compiled by ts-jest, as the README's ts-jest route has users do. */
const tsJestRoute = '/test/ts-jest-route\\.test\\.ts$';

const common = {
  testEnvironment: 'node',
  // Two workers share two cores with the processes some tests start: jest's 5 s is too short.
  testTimeout: 30_000,
  roots: ['<rootDir>/test'],
  // Each file's JavaScript as test/jest/compile.js emitted it (see there).
  transform: { '^.+\\.[cm]?ts$': '<rootDir>/test/jest/transform.js' },
};

/** @type {import('jest').Config} */
module.exports = {
  // The whole project compiled once, through gradscript's own transformer, before any test runs.
  globalSetup: '<rootDir>/test/jest/compile.js',
  // The slowest files first, also on a fresh clone (jest's own order there is by file size).
  testSequencer: '<rootDir>/test/jest/sequencer.js',
  // Two at a time on two cores: much of the integration tests' time is spent waiting on the
  // processes they start (npm, the commands, tsserver, Chromium).
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', testPathIgnorePatterns: [integration, tsJestRoute] },
    { ...common, displayName: 'integration', testRegex: integration },
    {
      ...common,
      displayName: 'ts-jest',
      testRegex: tsJestRoute,
      transform: {
        '^.+\\.ts$': [
          'ts-jest',
          {
            tsconfig: 'tsconfig.ts-jest.json',
            compiler: 'ts-patch/compiler',
            // TS151002: Node16 modules want isolatedModules; the transformer needs the checker.
            diagnostics: { ignoreCodes: [151002] },
          },
        ],
      },
    },
  ],
};
