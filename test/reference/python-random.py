"""Prints what CPython's random module draws for the cases test/random.test.ts checks
PythonRandom against, as JSON (committed as python-random.json, so the tests need no Python):

    python3 test/reference/python-random.py > test/reference/python-random.json

Each case seeds a generator, then calls one method `times` times in a row and records every
result. Arguments are written as PythonRandom takes them (choices' keyword arguments as an
options object, cumWeights for cum_weights); getrandbits' results are decimal strings, since
they may not fit a double.
"""

import json
import math
import random
import sys

CASES = [
    (1, 'getrandbits', [1], 8),
    (1, 'getrandbits', [5], 8),
    (1, 'getrandbits', [31], 4),
    (1, 'getrandbits', [32], 4),
    (1, 'getrandbits', [33], 4),
    (1, 'getrandbits', [53], 4),
    (1, 'getrandbits', [64], 4),
    (1, 'getrandbits', [100], 3),
    (1, 'getrandbits', [0], 2),
    (42, 'randrange', [10], 12),
    (42, 'randrange', [1, 7], 12),
    (42, 'randrange', [-5, 5], 8),
    (42, 'randrange', [0, 100, 7], 8),
    (42, 'randrange', [10, 0, -3], 8),
    (42, 'randrange', [2**40], 4),
    (42, 'randrange', [2**53 - 1], 4),
    (7, 'randint', [1, 6], 12),
    (42, 'shuffle', [list(range(20))], 3),
    (42, 'shuffle', [['a', 'b']], 4),
    (42, 'shuffle', [list(range(300))], 1),
    (42, 'gauss', [], 9),
    (42, 'gauss', [0, 0.08], 9),
    (3, 'gauss', [10, 2], 5),
    (42, 'uniform', [-1, 1], 5),
    (42, 'uniform', [2.5, 10], 5),
    (42, 'choices', [list('abcde'), {'k': 12}], 2),
    (42, 'choices', [list('abcd'), {'weights': [1, 2, 3, 4], 'k': 12}], 2),
    (42, 'choices', [list('abcd'), {'cumWeights': [1, 3, 6, 10], 'k': 12}], 2),
    (42, 'choices', [list('abc'), {'weights': [0, 1, 0], 'k': 5}], 1),
    (42, 'choices', [list(range(27)), {'weights': [math.exp(-i / 7) / 3.1 for i in range(27)]}], 20),
    (42, 'sample', [list(range(10)), 5], 3),
    (42, 'sample', [list(range(10)), 10], 1),
    (42, 'sample', [list(range(1000)), 12], 2),
    (42, 'sample', [list('abcdefghijklmnopqrstuvwxyz'), 6], 2),
]


def call(rng, method, args):
    if method == 'shuffle':
        rng.shuffle(args[0])
        return list(args[0])
    if method == 'choices':
        population, options = args
        return rng.choices(population, weights=options.get('weights'),
                           cum_weights=options.get('cumWeights'), k=options.get('k', 1))
    result = getattr(rng, method)(*args)
    return str(result) if method == 'getrandbits' else result


cases = []
for seed, method, args, times in CASES:
    rng = random.Random(seed)
    shown = json.loads(json.dumps(args))  # the arguments as they were before shuffle changed them
    results = [call(rng, method, args) for _ in range(times)]
    cases.append({'seed': seed, 'method': method, 'args': shown, 'results': results})
json.dump({'python': sys.version.split()[0], 'cases': cases}, sys.stdout, indent=1)
print()
