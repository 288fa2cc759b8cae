#!/usr/bin/env python3
"""Reference values and gradients from PyTorch (float64) for the expressions in
expressions.json; writes torch-values.json beside it. The expressions are written in the
syntax Python with torch tensors and TypeScript with gradscript's natural arithmetic share.

Run once, when expressions.json changes: python3 test/reference/torch_reference.py
(needs torch; on Debian: apt-get install python3-torch). The tests only read the output.
"""
import json
import pathlib

import torch

here = pathlib.Path(__file__).parent
cases = json.loads((here / "expressions.json").read_text())
results = []
for case in cases:
    leaves = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
              for name, value in case["inputs"].items()}
    out = eval(case["expr"], {}, dict(leaves))
    out.backward()
    results.append({
        "expr": case["expr"],
        "inputs": case["inputs"],
        "value": out.item(),
        "grads": {name: leaf.grad.item() for name, leaf in leaves.items()},
    })
(here / "torch-values.json").write_text(json.dumps(
    {"torch": torch.__version__, "dtype": "float64", "cases": results}, indent=1) + "\n")
print(f"wrote {len(results)} cases with torch {torch.__version__}")
