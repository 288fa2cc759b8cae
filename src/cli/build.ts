/**
 * `gradscript build` and `gradscript check`: compile or type-check a project written with natural
 * arithmetic, on gradscript's own TypeScript, whatever TypeScript the project has.
 */
import { Command } from 'commander';

export function buildCommand(): Command {
  return projectCommand('build', 'rewrite, type-check and write JavaScript, as tsc -p does', true);
}

export function checkCommand(): Command {
  return projectCommand('check', 'rewrite and type-check without writing anything', false);
}

function projectCommand(name: string, description: string, emit: boolean): Command {
  return new Command(name)
    .description(description)
    .option('-p, --project <path>', 'the tsconfig.json, or its folder', '.')
    .option('-w, --watch', 'keep going: rebuild what each change touches')
    .option('--pretty', 'colour and source lines in diagnostics (the default on a terminal)')
    .option('--no-pretty', 'plain diagnostics, one line each')
    .action((flags: { project: string; watch?: boolean; pretty?: boolean }) => {
      // Loaded here, not at the top: `gradscript run` on a cached script needs no compiler.
      /* eslint-disable @typescript-eslint/no-require-imports */
      const ts = require('typescript') as typeof import('typescript');
      const { buildProject, watchProject } =
        require('../../transformer/hosts/build') as typeof import('../../transformer/hosts/build');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const options = {
        project: flags.project,
        emit,
        pretty: flags.pretty ?? process.stdout.isTTY === true,
      };
      if (flags.watch) watchProject(ts, options);
      else process.exitCode = buildProject(ts, options);
    });
}
