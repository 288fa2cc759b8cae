/**
 * `gradscript run file.ts [args…]`: type-checks the script with natural arithmetic rewritten,
 * prints any diagnostic at the user's own line and column, and runs it when there is none.
 */
import { Command } from 'commander';
import Module from 'module';
import * as path from 'path';
import * as ts from 'typescript';
import { compileScript } from '../../transformer/compile';

export function runCommand(): Command {
  return new Command('run')
    .description(
      'type-check a TypeScript script written with natural arithmetic on Values, then run it',
    )
    .argument('<file>', 'the script, a .ts file')
    .argument('[args...]', 'arguments passed to the script as process.argv.slice(2)')
    .allowUnknownOption()
    .helpOption('-h, --help', 'show this help')
    .action((file: string, args: string[]) => run(file, args));
}

export function run(file: string, args: readonly string[]): void {
  const compiled = compileScript(ts, file);
  if (compiled.diagnostics.length > 0) {
    process.stderr.write(compiled.format(compiled.diagnostics, process.stderr.isTTY === true));
    if (compiled.diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error)) {
      process.exitCode = 1;
      return;
    }
  }
  // Stack traces go through the inline source maps, onto the user's lines.
  process.setSourceMapsEnabled(true);
  const extensions = (
    Module as unknown as { _extensions: Record<string, (m: NodeModule, f: string) => void> }
  )._extensions;
  const load = (module: NodeModule, filename: string) => {
    const javascript = compiled.javascript.get(filename);
    if (javascript === undefined)
      throw new Error(`gradscript run: ${filename} was not part of the compiled script`);
    (module as unknown as { _compile(code: string, file: string): void })._compile(
      javascript,
      filename,
    );
  };
  for (const extension of ['.ts', '.cts', '.tsx']) extensions[extension] = load;
  const entry = path.resolve(file);
  process.argv = [process.argv[0], entry, ...args];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the hooks above compile it
    require(entry);
  } catch (error) {
    // The script's own failure: show it as node would, stack and all.
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  }
}
