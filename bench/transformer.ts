/**
 * What the transformer costs: `tspc --noEmit` (the transformer's rounds of rewriting, then the
 * type check) against plain `tsc --noEmit`, on this repository's own sources, tests and examples.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as ts from 'typescript';
import { rewriteProgram } from '../transformer/program';
import { median } from './stats';

const root = path.join(__dirname, '..', '..');

function seconds(command: string): number {
  const started = process.hrtime.bigint();
  spawnSync(path.join(root, 'node_modules', '.bin', command), ['--noEmit', '-p', 'tsconfig.json'], {
    cwd: root,
  });
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export function transformerBenchmark(runs = 5): void {
  const tsc: number[] = [];
  const tspc: number[] = [];
  for (let i = 0; i < runs; i++) {
    tsc.push(seconds('tsc'));
    tspc.push(seconds('tspc'));
  }
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const host = ts.createCompilerHost(config.options);
  const program = rewriteProgram(
    ts,
    ts.createProgram(config.fileNames, config.options, host),
    host,
  );
  const rewritten = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && f.text !== ts.sys.readFile(f.fileName)).length;
  console.log(
    `\nTransformer cost (${config.fileNames.length} files, ${rewritten} rewritten, ${program.gradscriptRounds} rounds; median of ${runs})`,
  );
  console.log(`  tsc --noEmit   ${median(tsc).toFixed(2)} s`);
  console.log(
    `  tspc --noEmit  ${median(tspc).toFixed(2)} s   ratio ${(median(tspc) / median(tsc)).toFixed(2)}x`,
  );
}

if (require.main === module) transformerBenchmark();
