import { PythonRandom, Random } from '../src';

describe('PythonRandom', () => {
  // Printed by CPython 3.11: random.seed(s); [random.random() for _ in range(3)]
  test.each([
    [0, [0.8444218515250481, 0.7579544029403025, 0.420571580830845]],
    [1, [0.13436424411240122, 0.8474337369372327, 0.763774618976614]],
    [1337, [0.6177528569514706, 0.5332655736050008, 0.36584835924937553]],
    [2 ** 32 + 5, [0.15727238718789782, 0.2824866316461999, 0.6044540318498407]],
    [123456789012345, [0.6744750084019356, 0.2923275784421222, 0.22484093741322975]],
    [-7, [0.32383276483316237, 0.15084917392450192, 0.6509344730398537]],
  ])('seed %p gives the numbers random.random() gives', (seed, expected) => {
    const random = new PythonRandom(seed);
    expect([random.next(), random.next(), random.next()]).toEqual(expected);
  });

  test('the state regenerates as CPython’s does: the 701st number of seed 1', () => {
    const random = new PythonRandom(1);
    for (let i = 0; i < 700; i++) random.next();
    expect(random.next()).toBe(0.0601840957099572);
  });

  test('uniform(a, b) is a + (b - a)·random(), as random.uniform', () => {
    const random = new PythonRandom(1);
    expect([random.uniform(-1, 1), random.uniform(-1, 1)]).toEqual([
      -0.7312715117751976, 0.6948674738744653,
    ]);
  });

  test('is a Random, so modules accept it', () => {
    expect(new PythonRandom(1)).toBeInstanceOf(Random);
  });

  test('a seed that is not a whole number is refused', () => {
    expect(() => new PythonRandom(1.5)).toThrow('seed must be a whole number, got 1.5');
  });
});
