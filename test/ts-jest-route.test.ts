/**
 * The README's ts-jest route: natural arithmetic in a test file compiled by ts-jest with
 * ts-patch's compiler, which runs gradscript's transformer (jest.config.js's `ts-jest` project).
 */
import { Value } from '../src';

test('natural arithmetic in a test compiled by ts-jest', () => {
  const a = new Value(2);
  const y = a * a + 3 * a;
  y.backward();
  expect([y.data, a.grad]).toEqual([10, 7]);
});
