/**
 * `npm run bench [-- [--compare FILE] [NAME...]]`: every benchmark (or the ones named), each in
 * a Node process of its own (so that one's heap, the TypeScript compiler's say, does not slow
 * another's garbage collection); the figures and ratios each reports are measured within its
 * own process. The figures go into one table and into bench/results.json; `--compare FILE`
 * adds the change from an earlier results file.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type Figure, RESULTS_FILE_VARIABLE, table } from './stats';

const BENCHMARKS = [
  'moons',
  'microgpt',
  'chain',
  'render',
  'transformer',
  'editor',
  'startup',
  'large-data',
  'playground',
];
const RESULTS = path.join(__dirname, '..', '..', 'bench', 'results.json');

interface Results {
  machine: string;
  figures: Figure[];
}

function parseArguments(args: readonly string[]): { compare?: string; names: string[] } {
  const names: string[] = [];
  let compare: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--compare') {
      compare = args[++i];
      if (!compare) throw new Error('--compare needs the results file to compare with');
    } else if (BENCHMARKS.includes(args[i])) {
      names.push(args[i]);
    } else {
      throw new Error(`unknown benchmark '${args[i]}': expected one of ${BENCHMARKS.join(', ')}`);
    }
  }
  return { compare, names: names.length > 0 ? names : BENCHMARKS };
}

function main(): void {
  const { compare, names } = parseArguments(process.argv.slice(2));
  const earlier = compare ? (JSON.parse(fs.readFileSync(compare, 'utf8')) as Results) : undefined;
  const machine = `Node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0].model}`;
  console.log(`gradscript benchmarks: ${machine}`);
  const figures: Figure[] = [];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-bench-'));
  for (const name of names) {
    const file = path.join(scratch, `${name}.json`);
    const result = spawnSync(
      process.execPath,
      ['--expose-gc', path.join(__dirname, `${name}.js`)],
      {
        stdio: 'inherit',
        env: { ...process.env, [RESULTS_FILE_VARIABLE]: file },
      },
    );
    if (result.status !== 0) {
      console.error(`the ${name} benchmark failed`);
      process.exitCode = 1;
    }
    if (fs.existsSync(file))
      figures.push(...(JSON.parse(fs.readFileSync(file, 'utf8')) as Figure[]));
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  if (figures.length === 0) return;
  console.log('');
  if (earlier) console.log(`compared with ${compare} (${earlier.machine})`);
  console.log(table(figures, earlier && new Map(earlier.figures.map((f) => [f.key, f]))));
  // bench/results.json holds a whole run: some benchmarks alone would drop the others' figures.
  if (names.length < BENCHMARKS.length) {
    console.log(`\n${path.relative(process.cwd(), RESULTS)} not written: not every benchmark ran`);
    return;
  }
  const results: Results = { machine, figures };
  fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwritten to ${path.relative(process.cwd(), RESULTS)}`);
}

main();
