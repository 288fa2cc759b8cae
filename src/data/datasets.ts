/**
 * Small data sets, generated from a seed (the same seed gives the same points on every
 * machine), so nothing is ever downloaded.
 */
import { Random } from '../random';

/** Inputs and targets: class indices (0, 1, …) for classification, numbers for regression. */
export interface Dataset {
  x: number[][];
  y: number[];
  /** How many classes, for classification sets. */
  classes?: number;
}

export interface GeneratorOptions {
  /** Standard deviation of the gaussian noise added to each coordinate. */
  noise?: number;
  seed?: number;
}

/** Two interleaving half circles, as scikit-learn's make_moons (class 0 outer, class 1 inner). */
export function moons(n = 100, { noise = 0.1, seed = 0 }: GeneratorOptions = {}): Dataset {
  checkCount('moons', n, 2);
  const random = new Random(seed);
  const outer = Math.floor(n / 2);
  const points: [number[], number][] = [];
  for (let i = 0; i < outer; i++) {
    const t = (Math.PI * i) / Math.max(1, outer - 1);
    points.push([[Math.cos(t), Math.sin(t)], 0]);
  }
  for (let i = 0; i < n - outer; i++) {
    const t = (Math.PI * i) / Math.max(1, n - outer - 1);
    points.push([[1 - Math.cos(t), 1 - Math.sin(t) - 0.5], 1]);
  }
  return finish(points, random, noise, 2);
}

/** A circle inside a circle, as scikit-learn's make_circles (class 0 outer, class 1 inner). */
export function circles(
  n = 100,
  { noise = 0.05, seed = 0, factor = 0.5 }: GeneratorOptions & { factor?: number } = {},
): Dataset {
  checkCount('circles', n, 2);
  if (!(factor > 0 && factor < 1))
    throw new RangeError(`circles: factor must be between 0 and 1, got ${factor}`);
  const random = new Random(seed);
  const outer = Math.floor(n / 2);
  const ring = (count: number, radius: number, label: number) =>
    Array.from({ length: count }, (_, i): [number[], number] => {
      const t = (2 * Math.PI * i) / count;
      return [[radius * Math.cos(t), radius * Math.sin(t)], label];
    });
  return finish([...ring(outer, 1, 0), ...ring(n - outer, factor, 1)], random, noise, 2);
}

/** Points in the square [-1, 1]²: class 1 where x·y < 0, the XOR of the coordinates' signs. */
export function xor(n = 200, { noise = 0, seed = 0 }: GeneratorOptions = {}): Dataset {
  checkCount('xor', n, 1);
  const random = new Random(seed);
  const points = Array.from({ length: n }, (): [number[], number] => {
    const p = [random.uniform(-1, 1), random.uniform(-1, 1)];
    return [p, p[0] * p[1] < 0 ? 1 : 0];
  });
  return finish(points, random, noise, 2);
}

/** The truth table of a two-input logic gate: four points, as in Nothing but NumPy and Pychain. */
export function gate(kind: 'or' | 'and' | 'xor'): Dataset {
  const rule = {
    or: (a: number, b: number) => a | b,
    and: (a: number, b: number) => a & b,
    xor: (a: number, b: number) => a ^ b,
  }[kind];
  if (!rule) throw new Error(`unknown gate '${String(kind)}': expected one of or, and, xor`);
  const x = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ];
  return { x, y: x.map(([a, b]) => rule(a, b)), classes: 2 };
}

/** Pychain's disk: points in [0, 1]², class 1 inside the disk of radius 0.5 centred on (0.5, 0.5). */
export function disk(n = 200, { noise = 0, seed = 0 }: GeneratorOptions = {}): Dataset {
  checkCount('disk', n, 1);
  const random = new Random(seed);
  const points = Array.from({ length: n }, (): [number[], number] => {
    const p = [random.next(), random.next()];
    return [p, (p[0] - 0.5) ** 2 + (p[1] - 0.5) ** 2 < 0.25 ? 1 : 0];
  });
  return finish(points, random, noise, 2);
}

/** `classes` interleaved spiral arms (as in CS231n), `n` points in all. */
export function spiral(
  n = 300,
  { noise = 0.2, seed = 0, classes = 3 }: GeneratorOptions & { classes?: number } = {},
): Dataset {
  if (!Number.isInteger(classes) || classes < 2)
    throw new RangeError(`spiral: classes must be a whole number of at least 2, got ${classes}`);
  checkCount('spiral', n, classes);
  const random = new Random(seed);
  const points: [number[], number][] = [];
  for (let k = 0; k < classes; k++) {
    const count = Math.floor(n / classes) + (k < n % classes ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const r = i / Math.max(1, count - 1);
      const t = ((k + r) * 4 * Math.PI) / classes + random.normal(0, noise);
      points.push([[r * Math.sin(t), r * Math.cos(t)], k]);
    }
  }
  return finish(points, random, 0, classes);
}

/**
 * The yin-yang set (Kriener et al., 2021): points in the unit disk, class 0 yin, class 1 yang,
 * class 2 the two small dots.
 */
export function yinyang(n = 300, { noise = 0, seed = 0 }: GeneratorOptions = {}): Dataset {
  checkCount('yinyang', n, 1);
  const random = new Random(seed);
  const dot = 0.15;
  const classify = (x: number, y: number): number => {
    const upper = Math.hypot(x, y - 0.5);
    const lower = Math.hypot(x, y + 0.5);
    if (upper < dot || lower < dot) return 2;
    if (upper < 0.5) return 1;
    if (lower < 0.5) return 0;
    return x < 0 ? 0 : 1;
  };
  const points: [number[], number][] = [];
  while (points.length < n) {
    const p = [random.uniform(-1, 1), random.uniform(-1, 1)];
    if (Math.hypot(p[0], p[1]) <= 1) points.push([p, classify(p[0], p[1])]);
  }
  return finish(points, random, noise, 3);
}

/**
 * Two gaussian blobs, as TensorFlow Playground's "Gaussian" set: class 0 around (-1, -1), class
 * 1 around (1, 1), each coordinate spread with a standard deviation of 0.4, then the noise.
 */
export function gaussian(n = 200, { noise = 0.1, seed = 0 }: GeneratorOptions = {}): Dataset {
  checkCount('gaussian', n, 2);
  const random = new Random(seed);
  const half = Math.floor(n / 2);
  const points = Array.from({ length: n }, (_, i): [number[], number] => {
    const centre = i < half ? -1 : 1;
    return [[random.normal(centre, 0.4), random.normal(centre, 0.4)], i < half ? 0 : 1];
  });
  return finish(points, random, noise, 2);
}

/**
 * Regression on a plane, as TensorFlow Playground's: points in the square [-1, 1]², the target
 * (x1 + x2) / 2, from -1 to 1, with gaussian noise of standard deviation `noise` on the target.
 */
export function plane(n = 200, { noise = 0.1, seed = 0 }: GeneratorOptions = {}): Dataset {
  return regressionSquare('plane', n, noise, seed, ([x1, x2]) => (x1 + x2) / 2);
}

/** The six bumps of `multigauss`: their centres, and each one's sign. */
const BUMPS = [-2 / 3, 0, 2 / 3].flatMap((x, i) => [
  { centre: [x, 0.4], sign: i % 2 === 0 ? 1 : -1 },
  { centre: [x, -0.4], sign: i % 2 === 0 ? -1 : 1 },
]);
/** How far from its centre a bump reaches 0. */
const BUMP_RADIUS = 1 / 3;

/**
 * Regression on six gaussian-like bumps, as TensorFlow Playground's "multi gaussian": points in
 * [-1, 1]², the target the bump of largest size there, each falling from ±1 at its centre to 0
 * at a distance of 1/3, signs alternating; gaussian noise of standard deviation `noise` on it.
 */
export function multigauss(n = 200, { noise = 0.1, seed = 0 }: GeneratorOptions = {}): Dataset {
  return regressionSquare('multigauss', n, noise, seed, (p) => {
    let target = 0;
    for (const { centre, sign } of BUMPS) {
      const height =
        sign * Math.max(0, 1 - Math.hypot(p[0] - centre[0], p[1] - centre[1]) / BUMP_RADIUS);
      if (Math.abs(height) > Math.abs(target)) target = height;
    }
    return target;
  });
}

/** `n` points drawn uniformly from [-1, 1]², the target `of` each plus noise. */
function regressionSquare(
  name: string,
  n: number,
  noise: number,
  seed: number,
  of: (point: number[]) => number,
): Dataset {
  checkCount(name, n, 1);
  checkNoise(noise);
  const random = new Random(seed);
  const x = Array.from({ length: n }, () => [random.uniform(-1, 1), random.uniform(-1, 1)]);
  const y = x.map((p) => of(p) + (noise > 0 ? random.normal(0, noise) : 0));
  return { x, y };
}

/**
 * A regression set for MiniFlow's example (it used Boston housing): 13 features drawn from a
 * standard normal, the target a fixed linear combination of them plus one sigmoid bump and
 * noise. Synthetic, documented here, and the same for the same seed.
 */
export function regression(n = 506, { noise = 0.1, seed = 0 }: GeneratorOptions = {}): Dataset {
  checkCount('regression', n, 1);
  const random = new Random(seed);
  const weights = [0.8, -0.5, 0.3, 0, 1.2, -0.9, 0.1, -0.4, 0.6, 0.2, -0.7, 0.5, -1.1];
  const x = Array.from({ length: n }, () => weights.map(() => random.normal()));
  const y = x.map((row) => {
    const linear = row.reduce((s, v, i) => s + v * weights[i], 0);
    return linear + 2 / (1 + Math.exp(-2 * row[0] * row[4])) + random.normal(0, noise);
  });
  return { x, y };
}

/** Adds the noise, shuffles (seeded) and splits the points into inputs and labels. */
function finish(
  points: [number[], number][],
  random: Random,
  noise: number,
  classes: number,
): Dataset {
  checkNoise(noise);
  random.shuffle(points);
  return {
    x: points.map(([p]) => (noise > 0 ? p.map((v) => v + random.normal(0, noise)) : p)),
    y: points.map(([, label]) => label),
    classes,
  };
}

function checkNoise(noise: number): void {
  if (typeof noise !== 'number' || !(noise >= 0) || !Number.isFinite(noise)) {
    throw new RangeError(`noise must be a finite number of at least 0, got ${String(noise)}`);
  }
}

function checkCount(name: string, n: number, least: number): void {
  if (!Number.isInteger(n) || n < least)
    throw new RangeError(`${name}: n must be a whole number of at least ${least}, got ${n}`);
}
