#!/usr/bin/env node
/** The `gradscript` command: each subcommand lives in a file of its own beside this one. */
import { Command } from 'commander';
import { playgroundCommand } from './playground';
import { runCommand } from './run';
import { trainCommand } from './train';

const program = new Command()
  .name('gradscript')
  .description('A scalar autograd engine for TypeScript, written with natural arithmetic')
  .addCommand(runCommand())
  .addCommand(trainCommand())
  .addCommand(playgroundCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`gradscript: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
