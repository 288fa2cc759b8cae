/** The program panel's compiler's declaration files by path (see compiler-files.cjs). */
export function compilerFiles(): Record<string, string>;
