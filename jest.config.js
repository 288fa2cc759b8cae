/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    // ts-patch's compiler runs gradscript's own transformer (built into dist/ by `npm run build`).
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: 'tsconfig.json',
        compiler: 'ts-patch/compiler',
        // TS151002 warns that Node16 modules want isolatedModules; the transformer needs the type checker.
        diagnostics: { ignoreCodes: [151002] },
      },
    ],
  },
};
