#!/usr/bin/env python3
"""First, second and third derivatives from PyTorch (float64, torch.autograd.grad with
create_graph=True) of every operation gradscript differentiates, and of a few composite
graphs, at random points and at the edges; writes second-order.json beside this file, which
test/grad.test.ts reads. Each expression is written in the syntax Python with torch tensors and
TypeScript with gradscript's natural arithmetic share (Value.sum and Value.weightedSum are
given their torch meaning below).

Run once, when the cases change: /usr/bin/python3 test/reference/second-order.py
(needs torch; on Debian: apt-get install python3-torch). The tests only read the output.
"""
import json
import math
import pathlib
import random

import torch

torch.set_default_dtype(torch.float64)


class Value:
    """gradscript's Value.sum and Value.weightedSum, on tensors."""

    @staticmethod
    def sum(terms):
        total = 0
        for term in terms:
            total = total + term
        return total

    @staticmethod
    def weightedSum(bias, weights, inputs):
        total = bias
        for w, x in zip(weights, inputs):
            total = total + w * x
        return total


rng = random.Random(24)


def uniform(low, high):
    return round(rng.uniform(low, high), 6)


def anywhere():
    return uniform(-2, 2)


def away_from_zero():
    return rng.choice([-1, 1]) * uniform(0.3, 2)


def positive():
    return uniform(0.2, 3)


# Each operation: its expression, how to draw its inputs, and edge points of its own.
OPERATIONS = [
    ("a + b", {"a": anywhere, "b": anywhere}, []),
    ("a - b", {"a": anywhere, "b": anywhere}, []),
    ("a * b", {"a": anywhere, "b": anywhere}, []),
    ("a / b", {"a": anywhere, "b": away_from_zero}, []),
    ("-a", {"a": anywhere}, []),
    ("a + 2", {"a": anywhere}, []),
    ("2 + a", {"a": anywhere}, []),
    ("a - 2", {"a": anywhere}, []),
    ("2 - a", {"a": anywhere}, []),
    ("a * 3", {"a": anywhere}, []),
    ("3 * a", {"a": anywhere}, []),
    ("a / 3", {"a": anywhere}, []),
    ("3 / a", {"a": away_from_zero}, [{"a": -0.25}]),
    ("a ** 2", {"a": anywhere}, [{"a": 0.0}]),
    # A negative base with an integer exponent, a number or a Value.
    ("a ** 3", {"a": anywhere}, [{"a": -1.5}, {"a": 0.0}]),
    ("a ** -2", {"a": away_from_zero}, [{"a": -0.7}]),
    ("a ** 0.5", {"a": positive}, [{"a": 1e-6}]),
    ("a ** 1.5", {"a": positive}, []),
    ("a ** b", {"a": positive, "b": anywhere}, [{"a": -2.0, "b": 3.0}, {"a": 0.0, "b": 2.0},
                                               {"a": 0.0, "b": 3.0}, {"a": -1.5, "b": -2.0}]),
    ("2 ** a", {"a": anywhere}, []),
    ("0.5 ** a", {"a": anywhere}, []),
    ("a.exp()", {"a": anywhere}, []),
    # log near 0.
    ("a.log()", {"a": positive}, [{"a": 1e-8}, {"a": 1e-100}]),
    ("a.tanh()", {"a": anywhere}, [{"a": 0.0}]),
    ("a.sigmoid()", {"a": anywhere}, [{"a": 0.0}]),
    # relu at 0: PyTorch's relu passes no gradient there (its step is result > 0).
    ("a.relu()", {"a": away_from_zero}, [{"a": 0.0}]),
    ("a.relu() * a", {"a": away_from_zero}, [{"a": 0.0}]),
    ("Value.sum([a, b, 3, a])", {"a": anywhere, "b": anywhere}, []),
    ("Value.weightedSum(c, [a, b], [b, 2])", {"a": anywhere, "b": anywhere, "c": anywhere}, []),
]

# Composite graphs: shared subexpressions, every kind of node, several inputs.
COMPOSITES = [
    ("(a * b + c).tanh()", {"a": anywhere, "b": anywhere, "c": anywhere}),
    ("((a * b + c) * a).sigmoid() * b", {"a": anywhere, "b": anywhere, "c": anywhere}),
    ("(a.exp() + b.exp()).log()", {"a": anywhere, "b": anywhere}),
    ("a.exp() / (a.exp() + b.exp() + c.exp())", {"a": anywhere, "b": anywhere, "c": anywhere}),
    ("(a * a + b * b) ** 0.5", {"a": away_from_zero, "b": away_from_zero}),
    ("(a / b - c) ** 3 / 6", {"a": anywhere, "b": away_from_zero, "c": anywhere}),
    ("a ** b ** c", {"a": positive, "b": positive, "c": anywhere}),
    ("(1 + (-a * b).exp()).log()", {"a": anywhere, "b": anywhere}),
    ("(2 * a - b).tanh() ** 2 + (a + b).sigmoid() * c", {"a": anywhere, "b": anywhere, "c": anywhere}),
    ("Value.weightedSum(c, [a, b, c], [b, 0.5, a]).tanh() * a", {"a": anywhere, "b": anywhere, "c": anywhere}),
    ("Value.sum([a * b, (a - c).relu(), b.exp(), 1]) ** 2", {"a": anywhere, "b": anywhere, "c": anywhere}),
    ("(a * 2 + 1).relu() * (b - 3).relu() + (a * b).relu() ** 3", {"a": anywhere, "b": anywhere}),
]

RANDOM_POINTS = 3


def derivative(output, leaves):
    """d output / d leaf for each leaf, as graphs; zeros where output does not depend on one."""
    if not output.requires_grad:
        return [torch.zeros(()) for _ in leaves]
    grads = torch.autograd.grad(output, leaves, create_graph=True, allow_unused=True)
    return [torch.zeros(()) if g is None else g for g in grads]


def number(x):
    """JSON has no NaN or infinity: those are written as strings."""
    x = float(x)
    return x if math.isfinite(x) else str(x).replace("inf", "Infinity").replace("nan", "NaN")


def evaluate(expr, inputs):
    names = list(inputs)
    leaves = [torch.tensor(inputs[name], requires_grad=True) for name in names]
    output = eval(expr, {"Value": Value}, dict(zip(names, leaves)))
    first = derivative(output, leaves)
    second = [derivative(g, leaves) for g in first]
    third = [[derivative(h, leaves) for h in row] for row in second]
    return {
        "expr": expr,
        "inputs": inputs,
        "value": number(output),
        "first": [number(g) for g in first],
        "second": [[number(h) for h in row] for row in second],
        "third": [[[number(t) for t in column] for column in row] for row in third],
    }


cases = []
for expr, draw, edges in OPERATIONS:
    points = [{name: sample() for name, sample in draw.items()} for _ in range(RANDOM_POINTS)]
    cases += [evaluate(expr, point) for point in points + edges]
for expr, draw in COMPOSITES:
    for _ in range(RANDOM_POINTS):
        cases.append(evaluate(expr, {name: sample() for name, sample in draw.items()}))

here = pathlib.Path(__file__).parent
(here / "second-order.json").write_text(json.dumps(
    {"torch": torch.__version__, "dtype": "float64", "cases": cases}, indent=1) + "\n")
print(f"wrote {len(cases)} cases with torch {torch.__version__}")
