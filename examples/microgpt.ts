/**
 * microgpt: Karpathy's microgpt.py (February 2026; a copy is in test/reference/microgpt.py), the
 * whole algorithm of a GPT in about 200 lines, ported function for function in natural
 * arithmetic. A one-layer transformer (token and position embeddings, RMSNorm, 4-head causal
 * attention with a KV cache, a ReLU MLP) learns the 32,033 names of makemore's names.txt one name
 * a step, by Adam with a linearly decaying learning rate, then makes up new names at
 * temperature 0.5. With Python's random module (PythonRandom) it draws the same weights,
 * shuffles the names the same way and samples the same names, so it prints microgpt.py's losses
 * (all 1,000 within 6.4e-16 relative, test/reference/microgpt.json) and its samples;
 * test/microgpt.test.ts checks a short run against numbers microgpt.py printed. The functions are
 * exported for bench/microgpt.ts, which measures the graphs they make.
 *
 *   npx gradscript run examples/microgpt.ts [--steps N] [--data FILE] [--samples K]
 *   (1,000 steps, examples/data/names.txt and 20 samples by default; GRADSCRIPT_QUICK=1 for 20 steps)
 *
 * Where Python writes `sum(wi * xi for wi, xi in zip(wo, x))`, this writes
 * `Value.sum(wo.map((wi, i) => wi * x[i]))`: one node for the whole sum, added in the same order.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PythonRandom, Value } from '../src';

type Vector = Value[];
type Matrix = Value[][];
/** The KV cache: for each layer, the key (or value) vector of every position so far. */
type Cache = Vector[][];

const options = parseArguments(process.argv.slice(2));
const random = new PythonRandom(42); // Let there be order among chaos

// Let there be a Dataset `docs`: list[str] of documents (e.g. a list of names)
export const docs = fs
  .readFileSync(options.data, 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '');
if (docs.length === 0) fail(`${options.data} has no documents: it should hold one name a line`);
random.shuffle(docs);

// Let there be a Tokenizer to translate strings to sequences of integers ("tokens") and back
const uchars = [...new Set(docs.join(''))].sort(); // unique characters become token ids 0..n-1
const BOS = uchars.length; // token id for a special Beginning of Sequence (BOS) token
const vocabSize = uchars.length + 1; // total number of unique tokens, +1 is for BOS

// Initialize the parameters, to store the knowledge of the model
const nLayer = 1; // depth of the transformer neural network (number of layers)
const nEmbd = 16; // width of the network (embedding dimension)
const blockSize = 16; // maximum context length of the attention window (the longest name is 15 characters)
const nHead = 4; // number of attention heads
const headDim = nEmbd / nHead; // derived dimension of each head
const matrix = (nout: number, nin: number, std = 0.08): Matrix =>
  Array.from({ length: nout }, () =>
    Array.from({ length: nin }, () => new Value(random.gauss(0, std))),
  );
const stateDict: Record<string, Matrix> = {
  wte: matrix(vocabSize, nEmbd),
  wpe: matrix(blockSize, nEmbd),
  lm_head: matrix(vocabSize, nEmbd),
};
for (let i = 0; i < nLayer; i++) {
  stateDict[`layer${i}.attn_wq`] = matrix(nEmbd, nEmbd);
  stateDict[`layer${i}.attn_wk`] = matrix(nEmbd, nEmbd);
  stateDict[`layer${i}.attn_wv`] = matrix(nEmbd, nEmbd);
  stateDict[`layer${i}.attn_wo`] = matrix(nEmbd, nEmbd);
  stateDict[`layer${i}.mlp_fc1`] = matrix(4 * nEmbd, nEmbd);
  stateDict[`layer${i}.mlp_fc2`] = matrix(nEmbd, 4 * nEmbd);
}
const params = Object.values(stateDict).flat(2); // flatten params into a single Value[]

// Define the model architecture: a function mapping tokens and parameters to logits over what comes next
// Follow GPT-2, blessed among the GPTs, with minor differences: layernorm -> rmsnorm, no biases, GeLU -> ReLU
export function linear(x: Vector, w: Matrix): Vector {
  return w.map((wo) => Value.sum(wo.map((wi, i) => wi * x[i])));
}

export function softmax(logits: Vector): Vector {
  const maxVal = Math.max(...logits.map((val) => val.data));
  const exps = logits.map((val) => (val - maxVal).exp());
  const total = Value.sum(exps);
  return exps.map((e) => e / total);
}

export function rmsnorm(x: Vector): Vector {
  const ms = Value.sum(x.map((xi) => xi * xi)) / x.length;
  const scale = (ms + 1e-5) ** -0.5;
  return x.map((xi) => xi * scale);
}

export function gpt(tokenId: number, posId: number, keys: Cache, values: Cache): Vector {
  const tokEmb = stateDict.wte[tokenId]; // token embedding
  const posEmb = stateDict.wpe[posId]; // position embedding
  let x = tokEmb.map((t, i) => t + posEmb[i]); // joint token and position embedding
  x = rmsnorm(x); // not redundant: the residual connections below carry the unnormalized sum back

  for (let li = 0; li < nLayer; li++) {
    // 1) Multi-head Attention block
    let xResidual = x;
    x = rmsnorm(x);
    const q = linear(x, stateDict[`layer${li}.attn_wq`]);
    const k = linear(x, stateDict[`layer${li}.attn_wk`]);
    const v = linear(x, stateDict[`layer${li}.attn_wv`]);
    keys[li].push(k);
    values[li].push(v);
    const xAttn: Vector = [];
    for (let h = 0; h < nHead; h++) {
      const hs = h * headDim;
      const qH = q.slice(hs, hs + headDim);
      const kH = keys[li].map((ki) => ki.slice(hs, hs + headDim));
      const vH = values[li].map((vi) => vi.slice(hs, hs + headDim));
      const attnLogits = kH.map((kt) => Value.sum(qH.map((qj, j) => qj * kt[j])) / headDim ** 0.5);
      const attnWeights = softmax(attnLogits);
      const headOut = qH.map((_, j) => Value.sum(attnWeights.map((wt, t) => wt * vH[t][j])));
      xAttn.push(...headOut);
    }
    x = linear(xAttn, stateDict[`layer${li}.attn_wo`]);
    x = x.map((a, i) => a + xResidual[i]);
    // 2) MLP block
    xResidual = x;
    x = rmsnorm(x);
    x = linear(x, stateDict[`layer${li}.mlp_fc1`]);
    x = x.map((xi) => xi.relu());
    x = linear(x, stateDict[`layer${li}.mlp_fc2`]);
    x = x.map((a, i) => a + xResidual[i]);
  }

  return linear(x, stateDict.lm_head);
}

/** A fresh KV cache, one list per layer. */
const emptyCache = (): Cache => Array.from({ length: nLayer }, () => []);

/** The average loss over a document's tokens: the whole graph that one training step differentiates. */
export function documentLoss(doc: string): Value {
  // Take a document, tokenize it, surround it with BOS special token on both sides
  const tokens = [BOS, ...[...doc].map((ch) => uchars.indexOf(ch)), BOS];
  const n = Math.min(blockSize, tokens.length - 1);

  // Forward the token sequence through the model, building up the computation graph all the way to the loss
  const [keys, values] = [emptyCache(), emptyCache()];
  const losses: Vector = [];
  for (let posId = 0; posId < n; posId++) {
    const [tokenId, targetId] = [tokens[posId], tokens[posId + 1]];
    const logits = gpt(tokenId, posId, keys, values);
    const probs = softmax(logits);
    losses.push(-probs[targetId].log());
  }
  return (1 / n) * Value.sum(losses); // final average loss over the document sequence. May yours be low.
}

/** Trains for `numSteps` steps, printing each step's loss, and returns the time it took in ms. */
export function train(numSteps: number): number {
  // Let there be Adam, the blessed optimizer and its buffers
  const [learningRate, beta1, beta2, epsAdam] = [0.01, 0.85, 0.99, 1e-8];
  const m = new Float64Array(params.length); // first moment buffer
  const v = new Float64Array(params.length); // second moment buffer

  const started = performance.now();
  for (let step = 0; step < numSteps; step++) {
    const loss = documentLoss(docs[step % docs.length]);

    // Backward the loss, calculating the gradients with respect to all model parameters
    loss.backward();

    // Adam optimizer update: update the model parameters based on the corresponding gradients
    const lrT = learningRate * (1 - step / numSteps); // linear learning rate decay
    params.forEach((p, i) => {
      m[i] = beta1 * m[i] + (1 - beta1) * p.grad;
      v[i] = beta2 * v[i] + (1 - beta2) * p.grad ** 2;
      const mHat = m[i] / (1 - beta1 ** (step + 1));
      const vHat = v[i] / (1 - beta2 ** (step + 1));
      p.data -= (lrT * mHat) / (vHat ** 0.5 + epsAdam);
      p.grad = 0;
    });

    // All the loss's digits (microgpt.py shows 4), so that runs can be compared to the last one
    console.log(`step ${pad(step + 1, 4)} / ${pad(numSteps, 4)} | loss ${loss.data}`);
  }
  return performance.now() - started;
}

/** Inference: may the model babble back to us. */
export function sample(temperature = 0.5): string {
  // temperature in (0, 1] controls the "creativity" of generated text, low to high
  const [keys, values] = [emptyCache(), emptyCache()];
  const tokenIds = [...Array(vocabSize).keys()];
  let tokenId = BOS;
  const name: string[] = [];
  for (let posId = 0; posId < blockSize; posId++) {
    const logits = gpt(tokenId, posId, keys, values);
    const probs = softmax(logits.map((l) => l / temperature));
    tokenId = random.choices(tokenIds, { weights: probs.map((p) => p.data) })[0];
    if (tokenId === BOS) break;
    name.push(uchars[tokenId]);
  }
  return name.join('');
}

function main(): void {
  console.log(`num docs: ${docs.length}`);
  console.log(`vocab size: ${vocabSize}`);
  console.log(`num params: ${params.length}`);
  const ms = train(options.steps);
  console.log('--- inference (new, hallucinated names) ---');
  for (let i = 0; i < options.samples; i++) console.log(`sample ${pad(i + 1, 2)}: ${sample()}`);
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
    steps: process.env.GRADSCRIPT_QUICK === '1' ? 20 : 1000,
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
