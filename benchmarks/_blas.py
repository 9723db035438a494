"""Shared by the benchmark scripts: choose the BLAS thread count before numpy loads it."""

from __future__ import annotations

import os
import sys


def restart_with_blas_threads(n_threads: int) -> None:
    """Re-exec this script with the BLAS thread count set (0: keep the library default)."""
    if n_threads > 0 and os.environ.get("OPENBLAS_NUM_THREADS") != str(n_threads):
        # the BLAS reads its thread count when numpy is imported: start again with it set
        n = str(n_threads)
        env = {**os.environ, "OPENBLAS_NUM_THREADS": n, "OMP_NUM_THREADS": n, "MKL_NUM_THREADS": n}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
