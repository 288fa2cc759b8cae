/** The compiler's declaration files, by path: made by the build (see vite.config.mts). */
declare module 'virtual:compiler-files' {
  const files: Record<string, string>;
  export default files;
}
