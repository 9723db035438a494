"""Adaptive learning rates on surfaces where the right step changes (notebook 07).

-> experiments/results/adaptive.json. Two surfaces from helpers.adaptive_demos:
- CliffThenSlope, start (−0.2, 1): updates until x ≥ 9, for GD, Adagrad and RMSProp (α = 0.9)
  at seven learning rates (20,000 updates at most), and η/σ_x at update 200;
- FlatThenValley, start (4, 1): Adagrad and RMSProp, the overshoot after first entering
  |x| < 0.3 and the update from which |x| < 0.05 for good (1,500 updates).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python experiments/adaptive.py           (about 10 s)
"""

from __future__ import annotations

from _progress import Progress

from helpers.adaptive_demos import (
    CliffThenSlope,
    FlatThenValley,
    first_index,
    overshoot_and_settle,
    run_kind,
)
from helpers.results_store import save_results

SCHEMA = "course.adaptive/1"
LRS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
CLIFF_START, CLIFF_STEPS = [-0.2, 1.0], 20_000
WELL_START, WELL_STEPS = [4.0, 1.0], 1500


def cliff(bar: Progress) -> dict:
    """Updates to x ≥ 9 per optimiser and learning rate on the cliff-then-slope surface."""
    surface, out = CliffThenSlope(), {}
    for kind in ("GD", "Adagrad", "RMSProp"):
        out[kind] = {}
        for lr in LRS:
            tr = run_kind(kind, surface, CLIFF_START, lr, CLIFF_STEPS)
            out[kind][str(lr)] = {"reach": first_index(tr.theta[:, 0] >= surface.x_min - 1),
                                  "effective_lr_x_at_200": tr.effective_lr[200, 0],
                                  "final_abs_x_minus_min": abs(tr.theta[-1, 0] - surface.x_min)}
            bar.step(f"cliff, {kind}, lr {lr}")
    return out


def valley(bar: Progress) -> dict:
    """Overshoot and settling per optimiser and learning rate on the flat-then-valley surface."""
    surface, out = FlatThenValley(), {}
    for kind in ("Adagrad", "RMSProp"):
        out[kind] = {}
        for lr in LRS:
            tr = run_kind(kind, surface, WELL_START, lr, WELL_STEPS)
            enter, overshoot, settle = overshoot_and_settle(tr.theta[:, 0])
            out[kind][str(lr)] = {"enter": enter, "overshoot": overshoot, "settle": settle}
            bar.step(f"valley, {kind}, lr {lr}")
    return out


def main() -> None:
    bar = Progress(5 * len(LRS), "adaptive")
    payload = {"schema": SCHEMA,
               "design": {"lrs": LRS, "rmsprop_alpha": 0.9, "eps": 1e-8,
                          "cliff": {"surface": repr(CliffThenSlope()), "start": CLIFF_START,
                                    "max_updates": CLIFF_STEPS, "reach": "first x >= 9"},
                          "valley": {"surface": repr(FlatThenValley()), "start": WELL_START,
                                     "n_updates": WELL_STEPS,
                                     "enter": "|x| < 0.3", "settled": "|x| < 0.05 for good"}},
               "cliff": cliff(bar), "valley": valley(bar)}
    print(f"wrote {save_results('adaptive', payload).name}")


if __name__ == "__main__":
    main()
