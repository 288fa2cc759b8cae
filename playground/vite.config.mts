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

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  // gradscript's own plugin compiles the TypeScript: the names view's worker trains microgpt,
  // whose model (examples/microgpt/model.ts) is written in natural arithmetic.
  plugins: [gradscript(), compilerFilesModule()],
  // The program worker's compiler names Node's path module; the browser gets a port of it.
  resolve: { alias: { path: 'path-browserify' } },
  worker: { format: 'es', plugins: () => [gradscript(), compilerFilesModule()] },
  // The Graphviz chunk (WebAssembly inside) and the TypeScript compiler's are big, and only
  // loaded when a point is traced or a program is run.
  build: { outDir: '../dist/playground', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
});
