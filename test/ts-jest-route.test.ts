/**
 * The README's ts-jest route: natural arithmetic in a test file compiled by ts-jest with
 * ts-patch's compiler, which runs gradscript's transformer (jest.config.js's `ts-jest` project).
 * It imports gradscript by its name, as a user's test does: the built package (`npm test`
 * builds first), whose declarations ts-jest reads, rather than the sources, which it would
 * compile one by one.
 */
import { Value } from 'gradscript';

test('natural arithmetic in a test compiled by ts-jest', () => {
  const a = new Value(2);
  const y = a * a + 3 * a;
  y.backward();
  expect([y.data, a.grad]).toEqual([10, 7]);
});
