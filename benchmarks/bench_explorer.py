"""Time SurfaceExplorer.pick(): analysis only, and analysis + redraw on the Agg backend.

    .venv/bin/python benchmarks/bench_explorer.py [--repeats 200] [--switches 7]

Surfaces: the lecture's network, Himmelblau and a typed formula. Picks walk a fixed
pseudo-random sequence of points inside the view (seeded), so no pick snaps to a cached
critical point unless it lands within the snap radius — as a student's clicks would.
"Redraw" is the explorer's real path: per-point artists re-drawn over the stored
background (blitting), plus, for reference, a full ``canvas.draw()`` of the same figure
(what happens after a resize or a new surface). Targets: analysis < 2 ms, analysis +
redraw < 100 ms on 2 cores.

Switching surface (``--switches``, 0 to skip): the widget's path, ``set_surface(...,
background=True)``, which returns with the new picture drawn on the (Agg) canvas, against the
old path measured in the same run as the reference, ``set_surface(...)`` (critical points
found first, then the same drawing). Each switch starts from another surface
with the critical-point cache emptied, as for a formula typed for the first time; the
background search is then awaited (and timed: "marks added") before the next switch.
Target: picture < 0.5 s (median). Timings depend on machine load: report it with the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from helpers.explorer import SurfaceExplorer  # noqa: E402
from helpers.explorer.worker import BackgroundRunner  # noqa: E402
from helpers.symbolic import search  # noqa: E402

CASES = [
    ("lecture network", "lecture"),
    ("Himmelblau", "himmelblau"),
    ("typed formula", "x^4 - 2*x^2 + x*y + sin(3*y) + y^2"),
]


SWITCHES = [
    ("Himmelblau", "himmelblau"),
    ("typed formula", "x^4 - 2*x^2 + x*y + sin(3*y) + y^2"),
    ("monkey saddle", "monkey"),
]


def stats(seconds: list[float]) -> str:
    ms = np.array(seconds) * 1e3
    return f"median {np.median(ms):8.3f} ms   p95 {np.percentile(ms, 95):8.3f} ms"


def points(explorer: SurfaceExplorer, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = explorer.state.bounds
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def timed(fn, pts: np.ndarray) -> list[float]:
    out = []
    for p in pts:
        t = time.perf_counter()
        fn(p)
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--switches", type=int, default=7)
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"cores: {os.cpu_count()}, load average (1/5/15 min): "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print(f"{args.repeats} picks per row; targets: analysis < 2 ms, analysis + redraw < 100 ms\n")
    for label, spec in CASES:
        t0 = time.perf_counter()
        ex = SurfaceExplorer(spec)
        setup = time.perf_counter() - t0
        pts = points(ex, args.repeats, seed=0)
        ex.pick(pts[0])  # warm-up (first call compiles)
        analysis = timed(ex.pick, pts)
        snapped = 0
        for p in pts:
            ex.pick(p)
            snapped += ex.state.snapped
        fig = ex.figure()
        fig.canvas.draw()
        redraw = timed(ex.pick, pts)

        def full(p, ex=ex, fig=fig):
            ex.pick(p)
            fig.canvas.draw()

        full_draw = timed(full, pts[: max(20, args.repeats // 5)])
        clicks = background_clicks(ex, pts[: max(20, args.repeats // 5)])
        print(f"{label:16s} (setup incl. critical-point search {setup:5.2f} s; "
              f"{snapped}/{len(pts)} picks snapped)")
        print(f"  analysis only          {stats(analysis)}")
        print(f"  analysis + redraw      {stats(redraw)}   (blitted per-point artists)")
        print(f"  analysis + full draw   {stats(full_draw)}   (reference: whole figure)")
        print(f"  widget pick (slider)   {stats(clicks)}   (classified in a thread)")
    if args.switches > 0:
        switch_rows(args.switches)
    print("\nThe machine may be shared: numbers measured under load are upper bounds.")


def background_clicks(ex: SurfaceExplorer, pts: np.ndarray) -> list[float]:
    """Seconds per pick(background=True), a slider step: drawn, classified within 0.1 s."""
    loop = asyncio.new_event_loop()
    ex.runner = BackgroundRunner(loop)
    out = timed(lambda p: ex.pick(p, background=True), pts)
    while ex.model.busy:  # a late classification arrives through the loop
        loop.run_until_complete(asyncio.sleep(0.005))
    loop.close()
    return out


def forget_critical_points(ex: SurfaceExplorer) -> None:
    """Empty the critical-point caches: each switch searches as for a new formula."""
    ex.model.known.clear()
    for name in ("_MEMORY", "_remembered"):  # the library's cache, whichever form it has
        cache = getattr(search, name, None)
        if hasattr(cache, "cache_clear"):
            cache.cache_clear()
        elif hasattr(cache, "clear"):
            cache.clear()


def switch_once(ex: SurfaceExplorer, spec: str, loop: asyncio.AbstractEventLoop,
                background: bool) -> tuple[float, float]:
    """(seconds until the new picture is drawn, seconds until its critical points are)."""
    ex.set_surface("x2+y2")  # start from another surface, then forget every search
    forget_critical_points(ex)
    fig = ex.figure()
    fig.canvas.draw()
    t0 = time.perf_counter()
    ex.set_surface(spec, background=background)  # ends with the Agg canvas drawn
    picture = time.perf_counter() - t0
    while ex.model.busy:  # the background search: its outcome arrives through the loop
        loop.run_until_complete(asyncio.sleep(0.005))
    marks = time.perf_counter() - t0
    assert ex.state.critical, f"no critical points found for {spec}"
    return picture, marks


def switch_rows(repeats: int) -> None:
    """Switching surface: the widget's background path against the old synchronous one."""
    loop = asyncio.new_event_loop()
    ex = SurfaceExplorer("lecture")
    ex.runner = BackgroundRunner(loop)
    print(f"\nswitching surface, {repeats} switches per row (picture target < 0.5 s median)")
    for label, spec in SWITCHES:
        old, new, marks = [], [], []
        for _ in range(repeats):  # interleaved, so load changes hit both paths alike
            old.append(switch_once(ex, spec, loop, background=False)[0])
            picture, found = switch_once(ex, spec, loop, background=True)
            new.append(picture)
            marks.append(found)
        ratio = np.median(old) / np.median(new)
        print(f"{label:16s}")
        print(f"  old: search, then picture   {stats(old)}   (reference)")
        print(f"  new: picture at once        {stats(new)}   ({ratio:.1f}x sooner)")
        print(f"  new: critical points added  {stats(marks)}   (in the background)")
    loop.close()


if __name__ == "__main__":
    main()
