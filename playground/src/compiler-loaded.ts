/**
 * The compiler with all it needs: TypeScript, its lib files and gradscript's declarations. A
 * chunk of its own, fetched when the first program runs.
 */
import * as ts from 'typescript';
// Made by the build from the disk (see vite.config.mts and compiler-files.cjs).
import files from 'virtual:compiler-files';
import { createCompiler, declarationsFrom } from './compiler';

export const compile = createCompiler(ts, declarationsFrom(files));
