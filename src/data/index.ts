/** The data sets by name, as the `train` command and the playground offer them. */
import {
  circles,
  disk,
  gate,
  moons,
  regression,
  spiral,
  xor,
  yinyang,
  type Dataset,
} from './datasets';

export const DATASETS = [
  'moons',
  'circles',
  'xor',
  'disk',
  'spiral',
  'yinyang',
  'or',
  'and',
  'regression',
] as const;
export type DatasetName = (typeof DATASETS)[number];

export function dataset(
  name: DatasetName,
  n: number,
  options: { noise?: number; seed?: number } = {},
): Dataset {
  switch (name) {
    case 'moons':
      return moons(n, options);
    case 'circles':
      return circles(n, options);
    case 'xor':
      return xor(n, options);
    case 'disk':
      return disk(n, options);
    case 'spiral':
      return spiral(n, options);
    case 'yinyang':
      return yinyang(n, options);
    case 'or':
    case 'and':
      return gate(name);
    case 'regression':
      return regression(n, options);
    default:
      throw new Error(`unknown data set '${String(name)}': expected one of ${DATASETS.join(', ')}`);
  }
}
