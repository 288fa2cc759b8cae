#!/usr/bin/env node
/** The `gradscript` command: each subcommand lives in a file of its own beside this one. */
import { Command } from 'commander';
import { buildCommand, checkCommand } from './build';
import { inspectCommand } from './inspect';
import { playgroundCommand } from './playground';
import { runCommand } from './run';
import { trainCommand } from './train';

const program = new Command()
  .name('gradscript')
  .description('A scalar autograd engine for TypeScript, written with natural arithmetic')
  // Options after a subcommand are the subcommand's: `run` passes those after the script to it.
  .enablePositionalOptions()
  .addCommand(runCommand())
  .addCommand(buildCommand())
  .addCommand(checkCommand())
  .addCommand(trainCommand())
  .addCommand(inspectCommand())
  .addCommand(playgroundCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`gradscript: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
