/**
 * Neural-network modules built from Values, as in micrograd's nn.py: they only compose the
 * engine's operations and own their parameters.
 */
import { checkChoice } from './checks';
import { Value } from './engine';
import { Random } from './random';

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
const ACTIVATION_NAMES = { relu: 'ReLU', tanh: 'Tanh', sigmoid: 'Sigmoid', linear: 'Linear' };

export const INITS = ['uniform', 'xavier', 'he'] as const;
/** `uniform`: U(-1, 1) as micrograd; `xavier`: U(±√(6/(nin+nout))); `he`: N(0, √(2/nin)). */
export type Init = (typeof INITS)[number];

export abstract class Module {
  abstract parameters(): Value[];

  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = 0;
  }
}

export interface NeuronOptions {
  activation?: Activation;
  init?: Init;
  /** How many neurons sit in this one's layer: Xavier's fan-out. */
  fanOut?: number;
  /** The generator for the initial weights; a fresh one seeded by `seed` when absent. */
  random?: Random;
  seed?: number;
}

export class Neuron extends Module {
  readonly w: Value[];
  readonly b: Value;
  readonly activation: Activation;

  constructor(nin: number, options: NeuronOptions = {}) {
    super();
    checkSize('Neuron input size', nin);
    this.activation = checkChoice('activation', options.activation ?? 'relu', ACTIVATIONS);
    const init = checkChoice('init', options.init ?? 'uniform', INITS);
    const random = options.random ?? new Random(options.seed ?? randomSeed());
    const draw = initializer(init, nin, options.fanOut ?? 1, random);
    this.w = Array.from({ length: nin }, () => new Value(draw()));
    this.b = new Value(0);
  }

  forward(x: readonly (number | Value)[]): Value {
    checkInputLength('Neuron', this.w.length, x);
    // Bias first: the same order of additions as micrograd's sum(wi*xi, start=b), so results
    // match it bit for bit. One node, not one per product: most of a network's graph is these.
    const z = Value.weightedSum(this.b, this.w, x);
    return activate(z, this.activation);
  }

  parameters(): Value[] {
    return [...this.w, this.b];
  }

  override toString(): string {
    return `${ACTIVATION_NAMES[this.activation]}Neuron(${this.w.length})`;
  }
}

export type LayerOptions = Omit<NeuronOptions, 'fanOut'>;

export class Layer extends Module {
  readonly neurons: Neuron[];

  constructor(nin: number, nout: number, options: LayerOptions = {}) {
    super();
    checkSize('Layer input size', nin);
    checkSize('Layer output size', nout);
    const random = options.random ?? new Random(options.seed ?? randomSeed());
    this.neurons = Array.from(
      { length: nout },
      () => new Neuron(nin, { ...options, fanOut: nout, random }),
    );
  }

  forward(x: readonly (number | Value)[]): Value[] {
    checkInputLength('Layer', this.neurons[0].w.length, x);
    return this.neurons.map((n) => n.forward(x));
  }

  parameters(): Value[] {
    return this.neurons.flatMap((n) => n.parameters());
  }

  override toString(): string {
    return `Layer of [${this.neurons.join(', ')}]`;
  }
}

export interface MLPOptions {
  /** The hidden layers' activation; `relu` by default. */
  activation?: Activation;
  /** The last layer's activation; `linear` by default. */
  outputActivation?: Activation;
  init?: Init;
  /** The same seed gives the same initial weights in every run; a random one when absent. */
  seed?: number;
  /** The generator to draw the initial weights from instead (a PythonRandom, say). */
  random?: Random;
}

export class MLP extends Module {
  readonly layers: Layer[];
  readonly nin: number;
  readonly nouts: readonly number[];

  constructor(nin: number, nouts: readonly number[], options: MLPOptions = {}) {
    super();
    checkSize('MLP input size', nin);
    if (!Array.isArray(nouts) || nouts.length === 0) {
      throw new Error('MLP needs at least one layer size in nouts, got an empty list');
    }
    nouts.forEach((n, i) => checkSize(`MLP layer ${i} size`, n));
    const hidden = checkChoice('activation', options.activation ?? 'relu', ACTIVATIONS);
    const output = checkChoice('activation', options.outputActivation ?? 'linear', ACTIVATIONS);
    const random = options.random ?? new Random(options.seed ?? randomSeed());
    const sizes = [nin, ...nouts];
    this.nin = nin;
    this.nouts = [...nouts];
    this.layers = nouts.map(
      (nout, i) =>
        new Layer(sizes[i], nout, {
          activation: i === nouts.length - 1 ? output : hidden,
          init: options.init,
          random,
        }),
    );
  }

  forward(x: readonly (number | Value)[]): Value[] {
    checkInputLength('MLP', this.nin, x);
    let out: readonly (number | Value)[] = x;
    for (const layer of this.layers) out = layer.forward(out);
    return out as Value[];
  }

  parameters(): Value[] {
    return this.layers.flatMap((l) => l.parameters());
  }

  override toString(): string {
    return `MLP of [${this.layers.join(', ')}]`;
  }
}

export function activate(z: Value, activation: Activation): Value {
  switch (activation) {
    case 'relu':
      return z.relu();
    case 'tanh':
      return z.tanh();
    case 'sigmoid':
      return z.sigmoid();
    case 'linear':
      return z;
  }
}

function initializer(init: Init, nin: number, nout: number, random: Random): () => number {
  switch (init) {
    case 'uniform':
      return () => random.uniform(-1, 1);
    case 'xavier': {
      const limit = Math.sqrt(6 / (nin + nout));
      return () => random.uniform(-limit, limit);
    }
    case 'he': {
      const std = Math.sqrt(2 / nin);
      return () => random.normal(0, std);
    }
  }
}

function checkInputLength(module: string, expected: number, x: readonly unknown[]): void {
  if (!Array.isArray(x)) throw new TypeError(`${module} input must be an array, got ${typeof x}`);
  if (x.length !== expected) {
    throw new Error(`${module} expects ${expected} inputs, got ${x.length}`);
  }
}

function checkSize(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${what} must be a positive integer, got ${n}`);
}

function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}
