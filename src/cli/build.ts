/**
 * `gradscript build` and `gradscript check`: compile or type-check a project written with natural
 * arithmetic, on gradscript's own TypeScript, whatever TypeScript the project has.
 */
import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { cacheFolder, codeFolder, loadTypeScript } from '../../transformer/hosts/load-typescript';
import { cacheDebug } from './run';

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
      const project = path.resolve(flags.project);
      const typeScript = loadTypeScript(
        codeFolder(cacheFolder(isFolder(project) ? project : path.dirname(project))),
        cacheDebug(),
      );
      const { buildProject, watchProject } =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../../transformer/hosts/build') as typeof import('../../transformer/hosts/build');
      const options = {
        project: flags.project,
        emit,
        pretty: flags.pretty ?? process.stdout.isTTY === true,
      };
      // --watch builds once before it returns and waits for changes.
      if (flags.watch) watchProject(typeScript.tsi, options);
      else process.exitCode = buildProject(typeScript.tsi, options);
      typeScript.keepCode();
    });
}

function isFolder(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() === true;
}
