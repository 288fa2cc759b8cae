/**
 * A small seeded random number generator (mulberry32), so that the same seed gives the same
 * model weights and the same data sets on every machine and in every run.
 */
export class Random {
  private state: number;

  constructor(seed = 0) {
    if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, got ${seed}`);
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** A standard normal sample scaled to the given mean and standard deviation (Box–Muller). */
  normal(mean = 0, std = 1): number {
    const u = 1 - this.next(); // in (0, 1], so the log is finite
    const v = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles the array in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

const N = 624;
const TWO_PI = 2 * Math.PI;

/** Options of `PythonRandom.choices`, Python's keyword arguments. */
export interface ChoicesOptions {
  /** Relative weights, one per item of the population. */
  weights?: readonly number[];
  /** Cumulative weights (running totals), one per item; instead of `weights`. */
  cumWeights?: readonly number[];
  /** How many to choose (with replacement); 1 by default. */
  k?: number;
}

/**
 * Python's own generator (MT19937, seeded as `random.seed(n)` seeds it) and the algorithms of
 * Python 3.11's `random` module on top of it, so that a program can start from exactly the
 * weights a Python tutorial drew, shuffle its data and sample as it did, and reproduce its
 * numbers. Each method names the Python function it is, draw for draw.
 */
export class PythonRandom extends Random {
  private readonly mt = new Uint32Array(N);
  private index = N;
  /** gauss() makes two normal samples at a time and keeps the second for the next call. */
  private nextGauss: number | null = null;

  constructor(seed: number) {
    super(0);
    if (!Number.isSafeInteger(seed))
      throw new TypeError(`seed must be a whole number, got ${seed}`);
    // random.seed(n) uses |n| as an array of 32-bit words, least significant first.
    const key: number[] = [];
    for (
      let rest = Math.abs(seed);
      key.length === 0 || rest > 0;
      rest = Math.floor(rest / 2 ** 32)
    ) {
      key.push(rest % 2 ** 32);
    }
    this.seedByArray(key);
  }

  /** A float in [0, 1) with 53 random bits, as Python's random() builds it. */
  override next(): number {
    const a = this.uint32() >>> 5;
    const b = this.uint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** random.random(): the same as `next()`, under Python's name. */
  random(): number {
    return this.next();
  }

  /**
   * random.getrandbits(k): an integer of k random bits, any k (a bigint, as Python's int is
   * unbounded). The bits come 32 at a time, least significant word first, the last word cut to
   * its top bits, as CPython fills them.
   */
  getrandbits(k: number): bigint {
    checkBitCount(k);
    let result = 0n;
    for (let shift = 0n; k > 0; k -= 32, shift += 32n) {
      const word = k < 32 ? this.uint32() >>> (32 - k) : this.uint32();
      result |= BigInt(word) << shift;
    }
    return result;
  }

  /**
   * random._randbelow(n): an integer in [0, n), drawing bit_length(n) bits until they fall
   * below n, as Python does (so shuffle, randrange and sample draw what Python draws).
   */
  randbelow(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new RangeError(`randbelow(n) needs a whole number n of at least 1, got ${String(n)}`);
    }
    const k = bitLength(n);
    let r = this.bits(k);
    while (r >= n) r = this.bits(k);
    return r;
  }

  /**
   * random.randrange(start, stop?, step?): a random item of range(start, stop, step), or of
   * range(start) when it is given alone.
   */
  randrange(start: number, stop?: number, step = 1): number {
    checkWhole('randrange', 'start', start);
    if (stop === undefined) {
      if (step !== 1) throw new TypeError('randrange: a step needs a stop');
      if (start > 0) return this.randbelow(start);
      throw new RangeError(`empty range for randrange(${start})`);
    }
    checkWhole('randrange', 'stop', stop);
    checkWhole('randrange', 'step', step);
    const width = stop - start;
    if (step === 1) {
      if (width > 0) return start + this.randbelow(width);
      throw new RangeError(`empty range for randrange(${start}, ${stop})`);
    }
    if (step === 0) throw new RangeError('zero step for randrange()');
    const n =
      step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
    if (n <= 0) throw new RangeError(`empty range for randrange(${start}, ${stop}, ${step})`);
    return start + step * this.randbelow(n);
  }

  /** random.randint(a, b): an integer in [a, b], both ends included. */
  randint(a: number, b: number): number {
    checkWhole('randint', 'b', b);
    return this.randrange(a, b + 1);
  }

  /**
   * random.shuffle(x): shuffles in place and returns the array. Python's Fisher–Yates draws
   * each index with randbelow (whole bits), not from random() as Random.shuffle does, so a
   * PythonRandom shuffles exactly as Python does.
   */
  override shuffle<T>(items: T[]): T[] {
    if (!Array.isArray(items)) {
      throw new TypeError(`shuffle needs an array, got ${describeValue(items)}`);
    }
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /**
   * random.gauss(mu, sigma): a normal sample by Box–Muller. Each pair of random() draws makes
   * two samples; the second is kept and returned by the next call, as Python keeps it.
   */
  gauss(mu = 0, sigma = 1): number {
    let z = this.nextGauss;
    this.nextGauss = null;
    if (z === null) {
      const angle = this.random() * TWO_PI;
      const radius = Math.sqrt(-2 * Math.log(1 - this.random()));
      z = Math.cos(angle) * radius;
      this.nextGauss = Math.sin(angle) * radius;
    }
    return mu + z * sigma;
  }

  /**
   * random.choices(population, { weights, cumWeights, k }): k items chosen with replacement.
   * Without weights each is population[floor(random() * n)]; with them, a binary search
   * (bisect_right) of random() times the total in the running totals, as Python does.
   */
  choices<T>(population: readonly T[], { weights, cumWeights, k = 1 }: ChoicesOptions = {}): T[] {
    if (!Array.isArray(population)) {
      throw new TypeError(
        `choices needs an array as its population, got ${describeValue(population)}`,
      );
    }
    if (!Number.isSafeInteger(k) || k < 0) {
      throw new RangeError(`choices: k must be a whole number of at least 0, got ${String(k)}`);
    }
    const n = population.length;
    if (n === 0 && k > 0) throw new RangeError('choices: cannot choose from an empty population');
    if (weights !== undefined && cumWeights !== undefined) {
      throw new TypeError('choices: give weights or cumWeights, not both');
    }
    if (weights === undefined && cumWeights === undefined) {
      return Array.from({ length: k }, () => population[Math.floor(this.random() * n)]);
    }
    let totals: readonly number[];
    if (weights !== undefined) {
      checkWeights('weights', weights);
      let total = 0;
      totals = weights.map((w) => (total += w)); // itertools.accumulate: left to right
    } else {
      checkWeights('cumWeights', cumWeights!);
      totals = cumWeights!;
    }
    if (totals.length !== n) {
      throw new RangeError(
        `choices: the number of weights (${totals.length}) does not match the population (${n})`,
      );
    }
    const total = totals[n - 1];
    if (!(total > 0))
      throw new RangeError(
        `choices: the total of the weights must be greater than 0, got ${total}`,
      );
    if (!Number.isFinite(total))
      throw new RangeError(`choices: the total of the weights must be finite, got ${total}`);
    return Array.from(
      { length: k },
      () => population[bisectRight(totals, this.random() * total, n - 1)],
    );
  }

  /**
   * random.sample(population, k): k distinct items (by position), in the order drawn. As Python
   * does, a small population is drawn from a shrinking pool, a large one by rejecting repeats.
   */
  sample<T>(population: readonly T[], k: number): T[] {
    if (!Array.isArray(population)) {
      throw new TypeError(
        `sample needs an array as its population, got ${describeValue(population)}`,
      );
    }
    const n = population.length;
    if (!Number.isSafeInteger(k) || k < 0 || k > n) {
      throw new RangeError(
        `sample: k must be a whole number from 0 to the population's size (${n}), got ${String(k)}`,
      );
    }
    const result = new Array<T>(k);
    // Python's choice between the two: whether a list of n is smaller than a set of k.
    let setSize = 21;
    if (k > 5) setSize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setSize) {
      const pool = population.slice();
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j];
        pool[j] = pool[n - i - 1]; // the last unchosen item fills the place taken
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = population[j];
      }
    }
    return result;
  }

  /** k random bits (k from 1 to 53) as a number: getrandbits(k) without the bigint. */
  private bits(k: number): number {
    if (k <= 32) return this.uint32() >>> (32 - k);
    const low = this.uint32();
    return (this.uint32() >>> (64 - k)) * 4294967296 + low;
  }

  private seedByArray(key: number[]): void {
    const mt = this.mt;
    mt[0] = 19650218;
    for (let i = 1; i < N; i++) mt[i] = Math.imul(1812433253, mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      mt[i] = (mt[i] ^ Math.imul(mt[i - 1] ^ (mt[i - 1] >>> 30), 1664525)) + key[j] + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      mt[i] = (mt[i] ^ Math.imul(mt[i - 1] ^ (mt[i - 1] >>> 30), 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private uint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
        mt[k] = mt[(k + 397) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** The number of bits of a positive whole number, as Python's int.bit_length(). */
function bitLength(n: number): number {
  return n < 4294967296 ? 32 - Math.clz32(n) : 32 + bitLength(Math.floor(n / 4294967296));
}

/** bisect.bisect_right(a, x, 0, hi): the first index in [0, hi] whose item is greater than x. */
function bisectRight(a: readonly number[], x: number, hi: number): number {
  let lo = 0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < a[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function checkBitCount(k: number): void {
  if (!Number.isSafeInteger(k) || k < 0) {
    throw new RangeError(
      `getrandbits: the number of bits must be a whole number of at least 0, got ${String(k)}`,
    );
  }
}

function checkWhole(method: string, name: string, x: number): void {
  if (!Number.isSafeInteger(x)) {
    throw new TypeError(
      `${method}: ${name} must be a whole number (a safe integer), got ${describeValue(x)}`,
    );
  }
}

function checkWeights(name: string, weights: readonly number[]): void {
  if (!Array.isArray(weights)) {
    throw new TypeError(
      `choices: ${name} must be an array of numbers, got ${describeValue(weights)}`,
    );
  }
  const bad = weights.findIndex((w) => typeof w !== 'number' || Number.isNaN(w));
  if (bad >= 0) {
    throw new TypeError(
      `choices: ${name}[${bad}] must be a number, got ${describeValue(weights[bad])}`,
    );
  }
}

function describeValue(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x);
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object' && x !== null)
    return `an object (${Object.prototype.toString.call(x)})`;
  return String(x);
}
