#!/usr/bin/env node
/** The `gradscript` command: each subcommand lives in a file of its own beside this one. */
import { Command } from 'commander';

/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Each subcommand, loaded when asked for: `gradscript check` and `gradscript run` need not
 * load what `train` does (the training library: about 0.1 s).
 */
const SUBCOMMANDS: Record<string, () => Command> = {
  run: () => (require('./run') as typeof import('./run')).runCommand(),
  build: () => (require('./build') as typeof import('./build')).buildCommand(),
  check: () => (require('./build') as typeof import('./build')).checkCommand(),
  train: () => (require('./train') as typeof import('./train')).trainCommand(),
  predict: () => (require('./predict') as typeof import('./predict')).predictCommand(),
  inspect: () => (require('./inspect') as typeof import('./inspect')).inspectCommand(),
  playground: () => (require('./playground') as typeof import('./playground')).playgroundCommand(),
  editor: () => (require('./editor') as typeof import('./editor')).editorCommand(),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const program = new Command()
  .name('gradscript')
  .description('A scalar autograd engine for TypeScript, written with natural arithmetic')
  // Options after a subcommand are the subcommand's: `run` passes those after the script to it.
  .enablePositionalOptions();
// The one named, or every one when none is (`gradscript --help`, `gradscript help train`, a typo).
const named = process.argv[2];
for (const [name, subcommand] of Object.entries(SUBCOMMANDS)) {
  if (!(named in SUBCOMMANDS) || name === named) program.addCommand(subcommand());
}

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`gradscript: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
