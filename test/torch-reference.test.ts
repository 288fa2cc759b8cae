/**
 * Values and gradients against PyTorch in float64: test/reference/torch_reference.py computed
 * them once from expressions.json; here the same expressions, in natural arithmetic, must agree.
 */
import { Value } from '../src';
import reference from './reference/torch-values.json';
import { expectClose } from './helpers';

type Leaves = Record<string, Value>;

/** Each expression exactly as written in expressions.json, which Python and TypeScript share. */
const expressions: Record<string, (v: Leaves) => Value> = {
  'a + b': ({ a, b }) => a + b,
  'a - b': ({ a, b }) => a - b,
  'a * b': ({ a, b }) => a * b,
  'a / b': ({ a, b }) => a / b,
  'a ** 3': ({ a }) => a ** 3,
  'a ** 0.5': ({ a }) => a ** 0.5,
  'a ** -2': ({ a }) => a ** -2,
  'a ** b': ({ a, b }) => a ** b,
  '2 ** a': ({ a }) => 2 ** a,
  '2 - a': ({ a }) => 2 - a,
  '3 / a': ({ a }) => 3 / a,
  '-a * b': ({ a, b }) => -a * b,
  'a.relu() + (-a).relu()': ({ a }) => a.relu() + (-a).relu(),
  'a.tanh()': ({ a }) => a.tanh(),
  'a.sigmoid()': ({ a }) => a.sigmoid(),
  'a.exp()': ({ a }) => a.exp(),
  'a.log()': ({ a }) => a.log(),
  '(a * b + c).tanh()': ({ a, b, c }) => (a * b + c).tanh(),
  '((a * b + c) * a).sigmoid() * b': ({ a, b, c }) => ((a * b + c) * a).sigmoid() * b,
  '(a - b) ** 2 + (b - c) ** 2': ({ a, b, c }) => (a - b) ** 2 + (b - c) ** 2,
  '(a.exp() + b.exp()).log()': ({ a, b }) => (a.exp() + b.exp()).log(),
  'a.exp() / (a.exp() + b.exp() + c.exp())': ({ a, b, c }) =>
    a.exp() / (a.exp() + b.exp() + c.exp()),
  '(1 + (-a * b).exp()).log()': ({ a, b }) => (1 + (-a * b).exp()).log(),
  '(a * a + b * b) ** 0.5': ({ a, b }) => (a * a + b * b) ** 0.5,
  'a * b * c / (a + b + c)': ({ a, b, c }) => (a * b * c) / (a + b + c),
  '(a * 2 + 1).relu() * (b - 3).relu()': ({ a, b }) => (a * 2 + 1).relu() * (b - 3).relu(),
  '((a * b).tanh() + (b * c).tanh()) * ((a * b).tanh() - c)': ({ a, b, c }) =>
    ((a * b).tanh() + (b * c).tanh()) * ((a * b).tanh() - c),
  'a ** b ** c': ({ a, b, c }) => a ** (b ** c),
  '(a / b - c) ** 3 / 6': ({ a, b, c }) => (a / b - c) ** 3 / 6,
  '1 / (1 + (-a).exp())': ({ a }) => 1 / (1 + (-a).exp()),
  '(a * b + (1 - a) * c).sigmoid().log()': ({ a, b, c }) => (a * b + (1 - a) * c).sigmoid().log(),
  '(2 * a - b).tanh() ** 2 + (a + b).sigmoid() * c': ({ a, b, c }) =>
    (2 * a - b).tanh() ** 2 + (a + b).sigmoid() * c,
};

test(`PyTorch ${reference.torch} float64 computed ${reference.cases.length} cases`, () => {
  expect(reference.dtype).toBe('float64');
  expect(reference.cases.length).toBeGreaterThanOrEqual(30);
});

describe.each(reference.cases)('$expr at $inputs', ({ expr, inputs, value, grads }) => {
  test('value and gradients agree with PyTorch', () => {
    const f = expressions[expr];
    if (!f) throw new Error(`no TypeScript twin for ${expr}`);
    const leaves: Leaves = Object.fromEntries(
      Object.entries(inputs).map(([name, x]) => [name, new Value(x, name)]),
    );
    const out = f(leaves);
    out.backward();
    expectClose(out.data, value, 1e-12);
    for (const [name, grad] of Object.entries(grads))
      // Near saturation 1 - tanh² is a difference of nearly equal numbers: both sides are within 1e-15 of 0.
      expectClose(leaves[name].grad, grad, 1e-10, 1e-15);
  });
});
