/**
 * microgpt: Karpathy's microgpt.py (February 2026; a copy is in test/reference/microgpt.py), the
 * whole algorithm of a GPT in about 200 lines, ported function for function in natural
 * arithmetic. A one-layer transformer (token and position embeddings, RMSNorm, 4-head causal
 * attention with a KV cache, a ReLU MLP) learns the 32,033 names of makemore's names.txt one name
 * a step, by Adam with a linearly decaying learning rate, then makes up new names at
 * temperature 0.5. With Python's random module (PythonRandom) it draws the same weights,
 * shuffles the names the same way and samples the same names, so it prints microgpt.py's losses
 * (all 1,000 within 6.5e-16 relative, test/reference/microgpt.json) and its samples;
 * test/microgpt.test.ts checks a short run against numbers microgpt.py printed.
 *
 * The model is in microgpt/model.ts (the playground's names view trains it too); this is the
 * command-line program: the arguments, the file, the printing. `docs` and `documentLoss` are
 * exported for bench/microgpt.ts, which measures the graphs they make.
 *
 *   npx gradscript run examples/microgpt.ts [--steps N] [--data FILE] [--samples K]
 *   (1,000 steps, examples/data/names.txt and 20 samples by default; GRADSCRIPT_QUICK=1 for 20 steps)
 */
import * as fs from 'fs';
import * as path from 'path';
import { PythonRandom } from '../src';
import { NUM_STEPS, microgpt } from './microgpt/model';

const options = parseArguments(process.argv.slice(2));
const random = new PythonRandom(42); // Let there be order among chaos

const lines = fs
  .readFileSync(options.data, 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '');
if (lines.length === 0) fail(`${options.data} has no documents: it should hold one name a line`);
const model = microgpt(lines, random);
/** The documents, shuffled as microgpt.py shuffles them. */
export const { docs, documentLoss } = model;

/** Trains for `numSteps` steps, printing each step's loss, and returns the time it took in ms. */
function train(numSteps: number): number {
  const started = performance.now();
  for (let step = 0; step < numSteps; step++) {
    const loss = model.trainStep(step, numSteps);
    // All the loss's digits (microgpt.py shows 4), so that runs can be compared to the last one
    console.log(`step ${pad(step + 1, 4)} / ${pad(numSteps, 4)} | loss ${loss}`);
  }
  return performance.now() - started;
}

function main(): void {
  console.log(`num docs: ${docs.length}`);
  console.log(`vocab size: ${model.vocabSize}`);
  console.log(`num params: ${model.params.length}`);
  const ms = train(options.steps);
  console.log('--- inference (new, hallucinated names) ---');
  for (let i = 0; i < options.samples; i++)
    console.log(`sample ${pad(i + 1, 2)}: ${model.sample()}`);
  const perStep = (ms / options.steps).toFixed(2);
  console.log(`training time: ${(ms / 1000).toFixed(2)} s, ${perStep} ms a step`);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width);
}

interface Options {
  steps: number;
  data: string;
  samples: number;
}

function parseArguments(args: readonly string[]): Options {
  const parsed: Options = {
    steps: process.env.GRADSCRIPT_QUICK === '1' ? 20 : NUM_STEPS,
    data: path.join(__dirname, 'data', 'names.txt'),
    samples: 20,
  };
  const count = (flag: string, text: string | undefined, least: number): number => {
    const n = Number(text);
    if (text === undefined || !/^\d+$/.test(text) || n < least) {
      fail(`${flag} needs a whole number of at least ${least}, got ${text ?? 'nothing'}`);
    }
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--steps') parsed.steps = count(flag, args[++i], 1);
    else if (flag === '--samples') parsed.samples = count(flag, args[++i], 0);
    else if (flag === '--data') {
      const file = args[++i];
      if (file === undefined || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        fail(`--data needs a text file of documents, one a line; got ${file ?? 'nothing'}`);
      }
      parsed.data = file;
    } else fail(`unknown argument ${flag}: expected --steps N, --data FILE or --samples K`);
  }
  return parsed;
}

function fail(message: string): never {
  console.error(`microgpt: ${message}`);
  process.exit(2);
}

if (require.main === module) main();
