/** Optimizers: they move parameters against their gradients, one `step()` at a time. */
import { checkFraction, checkNonNegative } from './checks';
import type { Value } from './engine';

/** A learning rate: a number, or a function of the step number (0 for the first step). */
export type LearningRate = number | ((step: number) => number);

export abstract class Optimizer {
  /** How many steps have been taken. */
  steps = 0;

  constructor(
    readonly parameters: readonly Value[],
    private readonly lr: LearningRate,
  ) {
    if (typeof lr !== 'function') checkLearningRate(lr);
  }

  /** The learning rate for the step about to be taken. */
  learningRate(): number {
    const lr = typeof this.lr === 'function' ? this.lr(this.steps) : this.lr;
    return checkLearningRate(lr, this.steps);
  }

  step(): void {
    this.update(this.learningRate());
    this.steps++;
  }

  zeroGrad(): void {
    for (const p of this.parameters) p.grad = 0;
  }

  protected abstract update(lr: number): void;
}

export interface SGDOptions {
  lr: LearningRate;
  /** Classical momentum (0, none, by default): v = momentum·v + grad; p -= lr·v. */
  momentum?: number;
}

export class SGD extends Optimizer {
  private readonly momentum: number;
  private readonly velocity: Float64Array;

  constructor(parameters: readonly Value[], options: SGDOptions) {
    super(parameters, options.lr);
    this.momentum = checkFraction('momentum', options.momentum ?? 0);
    this.velocity = new Float64Array(parameters.length);
  }

  protected update(lr: number): void {
    this.parameters.forEach((p, i) => {
      this.velocity[i] = this.momentum * this.velocity[i] + p.grad;
      p.data -= lr * this.velocity[i];
    });
  }
}

export interface AdamOptions {
  lr: LearningRate;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay, as AdamW: p -= lr·weightDecay·p, apart from the gradient. */
  weightDecay?: number;
}

/** Adam with bias correction, and AdamW's decoupled weight decay. */
export class Adam extends Optimizer {
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly m: Float64Array;
  private readonly v: Float64Array;

  constructor(parameters: readonly Value[], options: AdamOptions) {
    super(parameters, options.lr);
    this.beta1 = checkFraction('beta1', options.beta1 ?? 0.9);
    this.beta2 = checkFraction('beta2', options.beta2 ?? 0.999);
    this.eps = checkNonNegative('eps', options.eps ?? 1e-8);
    this.weightDecay = checkNonNegative('weightDecay', options.weightDecay ?? 0);
    this.m = new Float64Array(parameters.length);
    this.v = new Float64Array(parameters.length);
  }

  protected update(lr: number): void {
    const t = this.steps + 1;
    const correction1 = 1 - this.beta1 ** t;
    const correction2 = 1 - this.beta2 ** t;
    this.parameters.forEach((p, i) => {
      this.m[i] = this.beta1 * this.m[i] + (1 - this.beta1) * p.grad;
      this.v[i] = this.beta2 * this.v[i] + (1 - this.beta2) * p.grad * p.grad;
      const mHat = this.m[i] / correction1;
      const vHat = this.v[i] / correction2;
      p.data -= lr * (mHat / (Math.sqrt(vHat) + this.eps) + this.weightDecay * p.data);
    });
  }
}

/** Throws unless `lr` is a positive finite number; `step` says when, for a schedule. */
export function checkLearningRate(lr: number, step?: number): number {
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) {
    const where = step === undefined ? '' : ` at step ${step}`;
    throw new RangeError(
      `learning rate must be a positive finite number, got ${String(lr)}${where}`,
    );
  }
  return lr;
}
