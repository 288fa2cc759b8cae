import { PythonRandom, Random, type ChoicesOptions } from '../src/random';
import reference from './reference/python-random.json';

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

describe('PythonRandom draws what CPython 3.11’s random module draws', () => {
  // Printed by test/reference/python-random.py: each case seeds a generator, calls one method
  // several times in a row and records every result.
  interface Case {
    seed: number;
    method:
      | 'getrandbits'
      | 'randrange'
      | 'randint'
      | 'shuffle'
      | 'gauss'
      | 'uniform'
      | 'choices'
      | 'sample';
    args: unknown[];
    results: unknown[];
  }
  const { cases } = reference as { cases: Case[] };

  const call = (random: PythonRandom, { method, args }: Case): unknown => {
    switch (method) {
      case 'getrandbits':
        return random.getrandbits(args[0] as number).toString();
      case 'shuffle':
        return random.shuffle(args[0] as unknown[]).slice();
      case 'choices':
        return random.choices(args[0] as unknown[], args[1] as ChoicesOptions);
      case 'sample':
        return random.sample(args[0] as unknown[], args[1] as number);
      default:
        return (random[method] as (...a: number[]) => number)(...(args as number[]));
    }
  };

  test.each(
    cases.map((c) => [
      `${c.method}(${JSON.stringify(c.args).slice(1, -1).slice(0, 60)}) seed ${c.seed}`,
      c,
    ]),
  )('%s', (_, c) => {
    const random = new PythonRandom(c.seed);
    const args = structuredClone(c.args); // shuffle works in place, and goes on shuffling
    const results = c.results.map(() => call(random, { ...c, args }));
    expect(results).toEqual(c.results);
  });

  test('every method of the module is covered by a case', () => {
    expect(new Set(cases.map((c) => c.method))).toEqual(
      new Set([
        'getrandbits',
        'randrange',
        'randint',
        'shuffle',
        'gauss',
        'uniform',
        'choices',
        'sample',
      ]),
    );
  });

  test('random() is next(), and randbelow(n) is randrange(n)', () => {
    const [a, b] = [new PythonRandom(5), new PythonRandom(5)];
    expect([a.random(), a.randbelow(1000), a.randbelow(2 ** 40)]).toEqual([
      b.next(),
      b.randrange(1000),
      b.randrange(2 ** 40),
    ]);
  });

  test('gauss keeps its second sample across other draws, as Python’s does', () => {
    // random.seed(42); [random.gauss(), random.random(), random.gauss(), random.gauss()]
    const random = new PythonRandom(42);
    expect([random.gauss(), random.random(), random.gauss(), random.gauss()]).toEqual([
      -0.14409032957792836, 0.27502931836911926, -0.1729036003315193, 0.2735990065583831,
    ]);
  });
});

describe('PythonRandom refuses bad arguments, naming them', () => {
  const random = new PythonRandom(1);
  test.each<[string, () => unknown, string]>([
    [
      'getrandbits(-1)',
      () => random.getrandbits(-1),
      'getrandbits: the number of bits must be a whole number of at least 0, got -1',
    ],
    ['getrandbits(2.5)', () => random.getrandbits(2.5), 'got 2.5'],
    [
      'randbelow(0)',
      () => random.randbelow(0),
      'randbelow(n) needs a whole number n of at least 1, got 0',
    ],
    ['randrange(0)', () => random.randrange(0), 'empty range for randrange(0)'],
    ['randrange(5, 5)', () => random.randrange(5, 5), 'empty range for randrange(5, 5)'],
    ['randrange(0, 10, 0)', () => random.randrange(0, 10, 0), 'zero step for randrange()'],
    [
      'randrange(0, 10, -1)',
      () => random.randrange(0, 10, -1),
      'empty range for randrange(0, 10, -1)',
    ],
    [
      'randrange(1.5)',
      () => random.randrange(1.5),
      'randrange: start must be a whole number (a safe integer), got 1.5',
    ],
    [
      'randrange(5, undefined, 2)',
      () => random.randrange(5, undefined, 2),
      'randrange: a step needs a stop',
    ],
    [
      'shuffle of a string',
      () => random.shuffle('abc' as unknown as string[]),
      'shuffle needs an array, got "abc"',
    ],
    [
      'choices with both',
      () => random.choices([1, 2], { weights: [1, 1], cumWeights: [1, 2] }),
      'give weights or cumWeights, not both',
    ],
    [
      'choices with too few weights',
      () => random.choices([1, 2, 3], { weights: [1, 1] }),
      'the number of weights (2) does not match the population (3)',
    ],
    [
      'choices with zero weights',
      () => random.choices([1, 2], { weights: [0, 0] }),
      'the total of the weights must be greater than 0, got 0',
    ],
    [
      'choices with an infinite weight',
      () => random.choices([1, 2], { weights: [1, Infinity] }),
      'must be finite, got Infinity',
    ],
    [
      'choices with a NaN weight',
      () => random.choices([1, 2], { weights: [1, NaN] }),
      'choices: weights[1] must be a number, got NaN',
    ],
    [
      'choices with k = -1',
      () => random.choices([1, 2], { k: -1 }),
      'k must be a whole number of at least 0, got -1',
    ],
    ['choices from nothing', () => random.choices([]), 'cannot choose from an empty population'],
    [
      'sample larger than the population',
      () => random.sample([1, 2], 3),
      "k must be a whole number from 0 to the population's size (2), got 3",
    ],
  ])('%s', (_, act, message) => {
    expect(act).toThrow(message);
  });
});
