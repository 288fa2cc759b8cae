/** Splitting, shuffling and batching a data set, all seeded. */
import { checkPositiveInteger } from '../checks';
import { Random } from '../random';
import type { Dataset } from './datasets';

/** Train, validation and test parts, by the given fractions (the test part takes the rest). */
export function split(
  data: Dataset,
  {
    validation = 0,
    test = 0.2,
    seed = 0,
  }: { validation?: number; test?: number; seed?: number } = {},
): { train: Dataset; validation: Dataset; test: Dataset } {
  if (!(validation >= 0 && test >= 0 && validation + test < 1)) {
    throw new RangeError(
      `split: validation (${validation}) and test (${test}) fractions must be at least 0 and sum below 1`,
    );
  }
  const order = new Random(seed).shuffle(data.x.map((_, i) => i));
  const nTest = Math.round(order.length * test);
  const nValidation = Math.round(order.length * validation);
  const take = (indices: number[]): Dataset => ({
    x: indices.map((i) => data.x[i]),
    y: indices.map((i) => data.y[i]),
    classes: data.classes,
  });
  return {
    test: take(order.slice(0, nTest)),
    validation: take(order.slice(nTest, nTest + nValidation)),
    train: take(order.slice(nTest + nValidation)),
  };
}

/** The data set in a new, seeded order. */
export function shuffle(data: Dataset, seed = 0): Dataset {
  const order = new Random(seed).shuffle(data.x.map((_, i) => i));
  return { x: order.map((i) => data.x[i]), y: order.map((i) => data.y[i]), classes: data.classes };
}

/** Consecutive mini-batches of at most `size` examples (the last may be smaller). */
export function batches(data: Dataset, size: number): Dataset[] {
  checkPositiveInteger('batch size', size);
  const result: Dataset[] = [];
  for (let i = 0; i < data.x.length; i += size) {
    result.push({
      x: data.x.slice(i, i + size),
      y: data.y.slice(i, i + size),
      classes: data.classes,
    });
  }
  return result;
}
