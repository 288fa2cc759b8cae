import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  // The Graphviz chunk (WebAssembly inside) is big, and only loaded when a point is traced.
  build: { outDir: '../dist/playground', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
