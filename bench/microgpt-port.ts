/**
 * The yardstick for the microgpt workload: microgpt.py as the popular TypeScript ports write it,
 * without gradscript. Its `Value` is microgpt.py's transcribed (an object with an array of
 * children and an array of local gradients per node, every number operand wrapped in a Value of
 * its own, sums as chains of additions from 0, `a / b` as `a * b ** -1`, backward a recursive
 * topological sort over a Set), and the model, the training loop and the sampling are
 * microgpt.py's, drawn from the same PythonRandom, so it computes microgpt.py's losses.
 *
 *   node dist/bench/microgpt-port.js [--steps N]      (1,000 by default)
 *
 * It prints what examples/microgpt.ts prints, for bench/microgpt.ts to read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PythonRandom } from '../src/random';

class Value {
  grad = 0;

  constructor(
    public data: number,
    readonly children: Value[] = [],
    readonly localGrads: number[] = [],
  ) {}

  add(other: Value | number): Value {
    const o = other instanceof Value ? other : new Value(other);
    return new Value(this.data + o.data, [this, o], [1, 1]);
  }

  mul(other: Value | number): Value {
    const o = other instanceof Value ? other : new Value(other);
    return new Value(this.data * o.data, [this, o], [o.data, this.data]);
  }

  pow(k: number): Value {
    return new Value(this.data ** k, [this], [k * this.data ** (k - 1)]);
  }

  log(): Value {
    return new Value(Math.log(this.data), [this], [1 / this.data]);
  }

  exp(): Value {
    return new Value(Math.exp(this.data), [this], [Math.exp(this.data)]);
  }

  relu(): Value {
    return new Value(Math.max(0, this.data), [this], [this.data > 0 ? 1 : 0]);
  }

  neg(): Value {
    return this.mul(-1);
  }

  sub(other: Value | number): Value {
    return this.add(other instanceof Value ? other.neg() : -other);
  }

  div(other: Value | number): Value {
    return this.mul(other instanceof Value ? other.pow(-1) : other ** -1);
  }

  backward(): void {
    const topo: Value[] = [];
    const visited = new Set<Value>();
    const buildTopo = (v: Value) => {
      if (visited.has(v)) return;
      visited.add(v);
      for (const child of v.children) buildTopo(child);
      topo.push(v);
    };
    buildTopo(this);
    this.grad = 1;
    for (let i = topo.length - 1; i >= 0; i--) {
      const v = topo[i];
      v.children.forEach((child, j) => (child.grad += v.localGrads[j] * v.grad));
    }
  }
}

/** Python's sum(): 0 + the first term, then each term added to the total. */
function sum(terms: Value[]): Value {
  let total = terms[0].add(0);
  for (let i = 1; i < terms.length; i++) total = total.add(terms[i]);
  return total;
}

const stepsFlag = process.argv.indexOf('--steps');
const numSteps = stepsFlag < 0 ? 1000 : Number(process.argv[stepsFlag + 1]);
if (!Number.isInteger(numSteps) || numSteps < 1) {
  throw new Error(`--steps needs a whole number of at least 1, got ${process.argv[stepsFlag + 1]}`);
}

const random = new PythonRandom(42);
const dataFile = path.join(__dirname, '..', '..', 'examples', 'data', 'names.txt');
const docs = fs
  .readFileSync(dataFile, 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '');
random.shuffle(docs);
const uchars = [...new Set(docs.join(''))].sort();
const BOS = uchars.length;
const vocabSize = uchars.length + 1;

const [nLayer, nEmbd, blockSize, nHead] = [1, 16, 16, 4];
const headDim = nEmbd / nHead;
const matrix = (nout: number, nin: number, std = 0.08): Value[][] =>
  Array.from({ length: nout }, () =>
    Array.from({ length: nin }, () => new Value(random.gauss(0, std))),
  );
const stateDict: Record<string, Value[][]> = {
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
const params = Object.values(stateDict).flat(2);

function linear(x: Value[], w: Value[][]): Value[] {
  return w.map((wo) => sum(wo.map((wi, i) => wi.mul(x[i]))));
}

function softmax(logits: Value[]): Value[] {
  const maxVal = Math.max(...logits.map((val) => val.data));
  const exps = logits.map((val) => val.sub(maxVal).exp());
  const total = sum(exps);
  return exps.map((e) => e.div(total));
}

function rmsnorm(x: Value[]): Value[] {
  const ms = sum(x.map((xi) => xi.mul(xi))).div(x.length);
  const scale = ms.add(1e-5).pow(-0.5);
  return x.map((xi) => xi.mul(scale));
}

function gpt(tokenId: number, posId: number, keys: Value[][][], values: Value[][][]): Value[] {
  const tokEmb = stateDict.wte[tokenId];
  const posEmb = stateDict.wpe[posId];
  let x = tokEmb.map((t, i) => t.add(posEmb[i]));
  x = rmsnorm(x);
  for (let li = 0; li < nLayer; li++) {
    let xResidual = x;
    x = rmsnorm(x);
    const q = linear(x, stateDict[`layer${li}.attn_wq`]);
    const k = linear(x, stateDict[`layer${li}.attn_wk`]);
    const v = linear(x, stateDict[`layer${li}.attn_wv`]);
    keys[li].push(k);
    values[li].push(v);
    const xAttn: Value[] = [];
    for (let h = 0; h < nHead; h++) {
      const hs = h * headDim;
      const qH = q.slice(hs, hs + headDim);
      const kH = keys[li].map((ki) => ki.slice(hs, hs + headDim));
      const vH = values[li].map((vi) => vi.slice(hs, hs + headDim));
      const attnLogits = kH.map((kt) => sum(qH.map((qj, j) => qj.mul(kt[j]))).div(headDim ** 0.5));
      const attnWeights = softmax(attnLogits);
      xAttn.push(...qH.map((_, j) => sum(attnWeights.map((wt, t) => wt.mul(vH[t][j])))));
    }
    x = linear(xAttn, stateDict[`layer${li}.attn_wo`]);
    x = x.map((a, i) => a.add(xResidual[i]));
    xResidual = x;
    x = rmsnorm(x);
    x = linear(x, stateDict[`layer${li}.mlp_fc1`]);
    x = x.map((xi) => xi.relu());
    x = linear(x, stateDict[`layer${li}.mlp_fc2`]);
    x = x.map((a, i) => a.add(xResidual[i]));
  }
  return linear(x, stateDict.lm_head);
}

const emptyCache = (): Value[][][] => Array.from({ length: nLayer }, () => []);

const [learningRate, beta1, beta2, epsAdam] = [0.01, 0.85, 0.99, 1e-8];
const m = new Float64Array(params.length);
const v = new Float64Array(params.length);
const started = performance.now();
for (let step = 0; step < numSteps; step++) {
  const doc = docs[step % docs.length];
  const tokens = [BOS, ...[...doc].map((ch) => uchars.indexOf(ch)), BOS];
  const n = Math.min(blockSize, tokens.length - 1);
  const [keys, values] = [emptyCache(), emptyCache()];
  const losses: Value[] = [];
  for (let posId = 0; posId < n; posId++) {
    const probs = softmax(gpt(tokens[posId], posId, keys, values));
    losses.push(probs[tokens[posId + 1]].log().neg());
  }
  const loss = sum(losses).mul(1 / n);
  loss.backward();
  const lrT = learningRate * (1 - step / numSteps);
  params.forEach((p, i) => {
    m[i] = beta1 * m[i] + (1 - beta1) * p.grad;
    v[i] = beta2 * v[i] + (1 - beta2) * p.grad ** 2;
    const mHat = m[i] / (1 - beta1 ** (step + 1));
    const vHat = v[i] / (1 - beta2 ** (step + 1));
    p.data -= (lrT * mHat) / (vHat ** 0.5 + epsAdam);
    p.grad = 0;
  });
  console.log(`step ${String(step + 1).padStart(4)} / ${numSteps} | loss ${loss.data}`);
}
const ms = performance.now() - started;

const temperature = 0.5;
const tokenIds = [...Array(vocabSize).keys()];
for (let sampleIdx = 0; sampleIdx < 20; sampleIdx++) {
  const [keys, values] = [emptyCache(), emptyCache()];
  let tokenId = BOS;
  const sample: string[] = [];
  for (let posId = 0; posId < blockSize; posId++) {
    const logits = gpt(tokenId, posId, keys, values);
    const probs = softmax(logits.map((l) => l.div(temperature)));
    tokenId = random.choices(tokenIds, { weights: probs.map((p) => p.data) })[0];
    if (tokenId === BOS) break;
    sample.push(uchars[tokenId]);
  }
  console.log(`sample ${String(sampleIdx + 1).padStart(2)}: ${sample.join('')}`);
}
console.log(`training time: ${(ms / 1000).toFixed(2)} s, ${(ms / numSteps).toFixed(2)} ms a step`);
