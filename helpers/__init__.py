"""Helpers for the course "When the gradient is small".

Importing this package changes nothing global: no style is applied, no backend
is chosen, no random state is touched. Submodules load lazily on first use, so
``import helpers`` is fast and ``helpers.analyze_point`` works as expected.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> submodule that defines it
_EXPORTS: dict[str, str] = {
    # exact analysis of critical points (notebooks 01-04)
    "gradient": "symbolic",
    "hessian": "symbolic",
    "analyze_point": "symbolic",
    "critical_points": "symbolic",
    "escape_direction": "symbolic",
    "PointReport": "symbolic",
    "CriticalFamily": "symbolic",
    # one vocabulary for spectra
    "EIG_TOL": "spectrum",
    "Inertia": "spectrum",
    "inertia": "spectrum",
    "kind_from_inertia": "spectrum",
    "verdict_text": "spectrum",
    # the course's error surfaces
    "SURFACES": "surfaces",
    "Surface": "surfaces",
    "get_surface": "surfaces",
    # Taylor models and the point inspectors of notebooks 02-03
    "taylor_model": "taylor",
    "TaylorExpansion": "taylor",
    "TaylorExplorer": "inspectors",
    "PointInspector": "inspectors",
    # figures
    "KIND_COLORS": "style",
    "KIND_MARKERS": "style",
    "LOSS_CMAP": "style",
    "plot_surface_contours": "plotting",
    "plot_critical_points": "plotting",
    # exercises that check themselves
    "check": "exercises",
    # untrusted formulas and the surface explorer
    "parse_loss": "parsing",
    "check_surface": "surface_check",
    "SurfaceExplorer": "explorer",
    # exact Hessian engine for small networks and the minimum-ratio experiment
    "MLP": "networks.mlp",
    "minimum_ratio_experiment": "networks.experiment",
    "lowest_eigenpair": "networks.curvature",
    "make_network_problem": "networks.curvature",
    # escaping saddle points (notebook 04)
    "gradient_descent": "escape",
    "escape_times": "escape",
    "hessian_cost": "escape",
    # optimisers and training loops (notebooks 06-07)
    "optimizers": "optimizers",
    "training": "training",
    # further names the notebooks use (notebooks import only from `helpers`)
    "DEFAULT_NCV": "networks.curvature",
    "dense_lowest_eigenpair": "networks.curvature",
    "loss_along_direction": "networks.curvature",
    "measure": "timing",
    "network_hvp": "networks.curvature",
    "CountedHVP": "escape",
    "change_along": "escape",
    "dense_hessian_bytes": "escape",
    "format_bytes": "escape",
    "format_seconds": "escape",
    "lanczos_workspace_bytes": "escape",
    "linear_escape_slope": "escape",
    "numeric_surface": "escape",
    "step_table": "escape",
    "DEFAULT_RUNS": "networks.experiment",
    "canonical_theta": "networks.symmetries",
    "distinct_critical_points": "networks.symmetries",
    "follow_l2": "networks.continuation",
    "goe_all_positive_probability": "random_matrices",
    "goe_asymptotic": "random_matrices",
    "goe_matrices": "random_matrices",
    "plot_goe": "experiment_views",
    "widget_progress": "experiment_views",
    "DEMO_SURFACES": "surfaces",
    "MomentumDemo": "momentum_demo",
    "loss_and_grad": "surfaces",
    "plot_probe": "plotting",
    "probe_point": "plotting",
    "NEGATIVE_COLOR": "style",
    "POSITIVE_COLOR": "style",
    "finite_difference_hessian": "taylor",
    "loglog_slope": "taylor",
    "naive_kind": "taylor",
    "quadratic_form": "taylor",
    "random_unit_vectors": "taylor",
    "unit_circle": "taylor",
    "LineFit": "training",
    "batch_size_experiment": "training",
    "classification_task": "training",
    "epoch_batches": "training",
    "minibatch_path": "training",
    "mlp_flops_per_update": "training",
    "updates_per_epoch": "training",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Load a public name from its submodule on first access."""
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    module = importlib.import_module(f"helpers.{module_name}")
    value = module if name == module_name else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
