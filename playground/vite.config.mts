import { readFileSync } from 'fs';
import { defineConfig, type Plugin } from 'vite';
import { gradscript } from 'gradscript/vite';
import { compilerFiles } from './compiler-files.cjs';

const COMPILER_FILES = 'virtual:compiler-files';

/** The program panel's compiler's declaration files, read from the disk as the page is built. */
function compilerFilesModule(): Plugin {
  return {
    name: 'gradscript-compiler-files',
    resolveId: (id) => (id === COMPILER_FILES ? `\0${COMPILER_FILES}` : undefined),
    load: (id) =>
      id === `\0${COMPILER_FILES}`
        ? `export default ${JSON.stringify(compilerFiles())};`
        : undefined,
  };
}

/**
 * The ONNX writer (loaded when model.onnx is asked for) names its producer's version with Node's
 * require of gradscript's package.json: the page gets the version, read here, in its place.
 */
function packageVersion(): Plugin {
  const { version } = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  return {
    name: 'gradscript-package-version',
    transform: (code, id) =>
      id.endsWith('/src/io/onnx.ts')
        ? code.replace(/require\(["']gradscript\/package\.json["']\)/, JSON.stringify({ version }))
        : undefined,
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  // gradscript's own plugin compiles the TypeScript: the names view's worker trains microgpt,
  // whose model (examples/microgpt/model.ts) is written in natural arithmetic.
  plugins: [gradscript(), compilerFilesModule()],
  resolve: {
    alias: {
      // The program worker's compiler names Node's path module; the browser gets a port of it.
      path: 'path-browserify',
      // The CSV reader's parser, in its build for browsers (its Node build uses Node's Buffer).
      'csv-parse/sync': 'csv-parse/browser/esm/sync',
    },
  },
  worker: {
    format: 'es',
    plugins: () => [gradscript(), compilerFilesModule(), packageVersion()],
  },
  // The Graphviz chunk (WebAssembly inside) and the TypeScript compiler's are big, and only
  // loaded when a point is traced or a program is run.
  build: { outDir: '../dist/playground', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
});
