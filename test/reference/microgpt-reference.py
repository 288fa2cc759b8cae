"""Runs microgpt.py (beside this file, unchanged) and writes its losses and samples as JSON, for
test/microgpt.test.ts and bench/. Only these edits are made to its text before running it, each
checked to apply as expected: the data file is given instead of input.txt, the number of steps
and of samples are arguments, the training loop is timed, and each step's loss and each sample
are recorded in full (JSON numbers, Python's repr, which round-trips) instead of printed to 4
digits.

    python3 test/reference/microgpt-reference.py --steps 1000 > test/reference/microgpt.json
    python3 test/reference/microgpt-reference.py --steps 20 > test/reference/microgpt-20-steps.json
    npx prettier --write test/reference/microgpt*.json

training_seconds is how long the training loop took, the figure bench/microgpt.ts reports.
"""

import argparse
import json
import os
import time

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument('--steps', type=int, default=1000)
parser.add_argument('--samples', type=int, default=20)
parser.add_argument('--data', default=os.path.join(here, '..', '..', 'examples', 'data', 'names.txt'))
args = parser.parse_args()

source = open(os.path.join(here, 'microgpt.py')).read()


def edit(text, old, new, count=1):
    if text.count(old) != count:
        raise SystemExit(f'microgpt.py changed: expected {count} of {old!r}, found {text.count(old)}')
    return text.replace(old, new)


source = edit(source, "'input.txt'", repr(os.path.abspath(args.data)), count=3)
source = edit(source, 'num_steps = 1000', f'num_steps = {args.steps}')
source = edit(source, 'for step in range(num_steps):', 'start_training()\nfor step in range(num_steps):')
source = edit(source, 'for sample_idx in range(20):', f'for sample_idx in range({args.samples}):')
source = edit(
    source,
    """print(f"step {step+1:4d} / {num_steps:4d} | loss {loss.data:.4f}", end='\\r')""",
    'record_loss(loss.data)',
)
source = edit(source, """print(f"sample {sample_idx+1:2d}: {''.join(sample)}")""", "record_sample(''.join(sample))")

losses, samples, clock = [], [], {}


def start_training():
    clock['start'] = time.perf_counter()


def record_loss(loss):
    losses.append(loss)
    clock['end'] = time.perf_counter()


quiet_print = lambda *a, **k: None  # the script's other prints (num docs, vocab size, ...) would spoil the JSON
exec(compile(source, 'microgpt.py', 'exec'), {
    '__name__': '__main__', 'print': quiet_print,
    'start_training': start_training, 'record_loss': record_loss, 'record_sample': samples.append,
})
print(json.dumps({'source': 'test/reference/microgpt.py', 'steps': args.steps, 'losses': losses, 'samples': samples,
                  'training_seconds': clock['end'] - clock['start']}, indent=1))
