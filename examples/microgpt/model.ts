/**
 * microgpt's model: Karpathy's microgpt.py (February 2026; a copy is in
 * test/reference/microgpt.py) function for function in natural arithmetic, from the data to the
 * samples, without the printing. Two programs run it: examples/microgpt.ts on the command line,
 * and examples/microgpt/worker.ts in the playground's "names" view. It imports nothing of Node,
 * so a bundler can take it into a page.
 *
 * `microgpt(docs, random)` does what microgpt.py does at the top level before its training loop,
 * in the same order and with the same draws from `random`: shuffles the documents, makes the
 * tokenizer, draws the weights. With `new PythonRandom(42)` (microgpt.py's `random.seed(42)`) its
 * steps give microgpt.py's losses and its samples microgpt.py's names. Training draws nothing at
 * random; only sampling does.
 *
 * Where Python writes `sum(wi * xi for wi, xi in zip(wo, x))`, this writes
 * `Value.sum(wo.map((wi, i) => wi * x[i]))`: one node for the whole sum, added in the same order.
 */
import { type PythonRandom, Value } from '../../src/browser';

export type Vector = Value[];
export type Matrix = Value[][];
/** The KV cache: for each layer, the key (or value) vector of every position so far. */
export type Cache = Vector[][];
/**
 * Attention weights as numbers, for each layer and head: a row for each position, of how much
 * it attends to each position up to itself. Not in microgpt.py: the playground draws them.
 */
export type Attention = number[][][][];

export const nLayer = 1; // depth of the transformer neural network (number of layers)
export const nEmbd = 16; // width of the network (embedding dimension)
export const blockSize = 16; // maximum context length of the attention window (the longest name is 15 characters)
export const nHead = 4; // number of attention heads
const headDim = nEmbd / nHead; // derived dimension of each head
// Let there be Adam, the blessed optimizer: its hyperparameters
const [learningRate, beta1, beta2, epsAdam] = [0.01, 0.85, 0.99, 1e-8];
/** microgpt.py's number of training steps. */
export const NUM_STEPS = 1000;

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

/** A fresh KV cache, one list per layer. */
const emptyCache = (): Cache => Array.from({ length: nLayer }, () => []);

/** A model made, ready to train and sample: microgpt.py's globals and functions. */
export type Microgpt = ReturnType<typeof microgpt>;

export function microgpt(documents: readonly string[], random: PythonRandom) {
  if (documents.length === 0) throw new Error('microgpt needs at least one document to learn');
  // Let there be a Dataset `docs`: list[str] of documents (e.g. a list of names)
  const docs = [...documents];
  random.shuffle(docs);

  // Let there be a Tokenizer to translate strings to sequences of integers ("tokens") and back
  const uchars = [...new Set(docs.join(''))].sort(); // unique characters become token ids 0..n-1
  const BOS = uchars.length; // token id for a special Beginning of Sequence (BOS) token
  const vocabSize = uchars.length + 1; // total number of unique tokens, +1 is for BOS

  // Initialize the parameters, to store the knowledge of the model
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

  // Define the model architecture: a function mapping tokens and parameters to logits over what
  // comes next. `attention`, when given, collects each head's weights (not in microgpt.py).
  function gpt(
    tokenId: number,
    posId: number,
    keys: Cache,
    values: Cache,
    attention?: Attention,
  ): Vector {
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
        const attnLogits = kH.map(
          (kt) => Value.sum(qH.map((qj, j) => qj * kt[j])) / headDim ** 0.5,
        );
        const attnWeights = softmax(attnLogits);
        attention?.[li][h].push(attnWeights.map((wt) => wt.data));
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

  /** A document's tokens, surrounded by the BOS special token on both sides. */
  const tokenize = (doc: string): number[] => [
    BOS,
    ...[...doc].map((ch) => uchars.indexOf(ch)),
    BOS,
  ];

  /** The average loss over a document's tokens: the whole graph that one training step differentiates. */
  function documentLoss(doc: string): Value {
    const tokens = tokenize(doc);
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

  // Adam's buffers
  const m = new Float64Array(params.length); // first moment buffer
  const v = new Float64Array(params.length); // second moment buffer

  /** Training step `step` (from 0) of `numSteps` on the step's document; returns its loss. */
  function trainStep(step: number, numSteps: number): number {
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
    return loss.data;
  }

  /**
   * Inference: may the model babble back to us. Draws from microgpt's own `random` unless given
   * another (the playground samples as it trains without taking microgpt.py's draws).
   */
  function sample(temperature = 0.5, draws: PythonRandom = random): string {
    // temperature in (0, 1] controls the "creativity" of generated text, low to high
    const [keys, values] = [emptyCache(), emptyCache()];
    const tokenIds = [...Array(vocabSize).keys()];
    let tokenId = BOS;
    const name: string[] = [];
    for (let posId = 0; posId < blockSize; posId++) {
      const logits = gpt(tokenId, posId, keys, values);
      const probs = softmax(logits.map((l) => l / temperature));
      tokenId = draws.choices(tokenIds, { weights: probs.map((p) => p.data) })[0];
      if (tokenId === BOS) break;
      name.push(uchars[tokenId]);
    }
    return name.join('');
  }

  /**
   * Where each head looks as the model reads `name` after BOS: for each layer and head, a row
   * for each token read (BOS, then each letter) of its attention to the tokens up to it.
   */
  function attentionOf(name: string): Attention {
    const unknown = [...name].filter((ch) => !uchars.includes(ch));
    if (unknown.length > 0) {
      throw new Error(
        `${[...new Set(unknown)].map((ch) => JSON.stringify(ch)).join(', ')} ` +
          `${unknown.length === 1 ? 'is' : 'are'} not among the documents' characters (${uchars.join('')})`,
      );
    }
    if (name.length > blockSize - 1) {
      throw new Error(
        `the model reads at most ${blockSize - 1} characters after BOS; this has ${name.length}`,
      );
    }
    const tokens = tokenize(name).slice(0, -1);
    const [keys, values] = [emptyCache(), emptyCache()];
    const attention: Attention = Array.from({ length: nLayer }, () =>
      Array.from({ length: nHead }, () => []),
    );
    tokens.forEach((tokenId, posId) => gpt(tokenId, posId, keys, values, attention));
    return attention;
  }

  return {
    docs,
    uchars,
    BOS,
    vocabSize,
    params,
    gpt,
    documentLoss,
    trainStep,
    sample,
    attentionOf,
  };
}
