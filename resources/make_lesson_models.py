"""Train the small models the lessons ship (resources/lessons/). Reproducible (fixed seeds).

Usage: python resources/make_lesson_models.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rnnviz import demos  # noqa: E402


def main() -> int:
    out = ROOT / "resources" / "lessons"
    out.mkdir(parents=True, exist_ok=True)
    run = demos.train_reversal(steps=1500, seed=0, hidden=64)
    run.model.save(out / "reversal_gru.npz")
    acc = sum(run.accuracies[-100:]) / 100
    print(f"reversal_gru.npz: GRU encoder-decoder, 64 units, 1500 steps, recent accuracy {acc:.1%}; "
          f"ABCDEF -> {demos.reverse_with(run.model, 'ABCDEF')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
