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
    "live_output": "widget_output",
    "plot_critical_points": "plotting",
    # exercises that check themselves
    "check": "exercises",
    "check_function": "exercises",
    "exercise_stub": "exercises",
    "exercise_solution": "exercises",
    "answer_key": "exercises",
    # untrusted formulas and the surface explorer
    "parse_loss": "parsing",
    "check_surface": "surface_check",
    "SurfaceExplorer": "explorer",
    # exact Hessian engine for small networks and the minimum-ratio experiment
    "MLP": "networks.mlp",
    "minimum_ratio_experiment": "critical_sweep",
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
    # critical points across the loss range on digits (notebook 05)
    "digits_problem": "critical_sweep",
    "load_sweep": "critical_sweep",
    "search_from": "critical_sweep",
    "start_thetas": "critical_sweep",
    "Start": "critical_sweep",
    "check_point": "networks.critical_search",
    "status_of": "networks.critical_search",
    "partitioned_newton": "networks.critical_search",
    "zero_gap": "networks.tolerance",
    "is_ambiguous": "networks.tolerance",
    "tolerance_row": "networks.tolerance",
    "index_loss_correlation": "networks.tolerance",
    "plot_sorted_spectra": "experiment_views",
    "plot_tolerance_sweep": "experiment_views",
    "plot_lecture_axes": "experiment_views",
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
    "minibatch_path": "training",
    "mlp_flops_per_update": "training",
    # batch size, sharpness, saddle escape, momentum rates, adaptive demos (notebooks 06-07)
    "epoch_batches": "minibatch",
    "updates_per_epoch": "minibatch",
    "digits_task": "minibatch",
    "train_sgd": "minibatch",
    "accuracy": "minibatch",
    "sharpness": "minibatch",
    "largest_eigenpairs": "minibatch",
    "gradient_noise": "minibatch",
    "load_results": "results_store",
    "CONTROLS": "batch_study",
    "run_control": "batch_study",
    "end_point": "batch_study",
    "mean_sd": "batch_study",
    "paired_difference": "batch_study",
    "filter_normalised_direction": "flat_sharp",
    "loss_profile": "flat_sharp",
    "half_width": "flat_sharp",
    "teacher_task": "saddle_escape",
    "EscapeRun": "saddle_escape",
    "certify_saddle": "saddle_escape",
    "embed_saddle": "saddle_escape",
    "sgd_escape_times": "saddle_escape",
    "predicted_gd_escape": "saddle_escape",
    "lecture_saddle_gradients": "saddle_escape",
    "random_offsets": "saddle_escape",
    "best_gd": "momentum_rates",
    "best_heavy_ball": "momentum_rates",
    "bowl_path": "momentum_rates",
    "critical_beta": "momentum_rates",
    "measured_rate": "momentum_rates",
    "spectral_rate": "momentum_rates",
    "steps_to": "momentum_rates",
    "unrolled_momentum": "momentum_rates",
    "CliffThenSlope": "adaptive_demos",
    "FlatThenValley": "adaptive_demos",
    "adam_ratio": "adaptive_demos",
    "first_index": "adaptive_demos",
    "overshoot_and_settle": "adaptive_demos",
    "run_kind": "adaptive_demos",
    "track_sharpness": "edge_of_stability",
    "summarise_run": "edge_of_stability",
    "plot_batch_controls": "training_views",
    "plot_cost_per_update": "training_views",
    "plot_escape_times": "training_views",
    "plot_loss_profiles": "training_views",
    "plot_rate_against_beta": "training_views",
    "plot_sharpness_tracks": "training_views",
    "plot_spectra": "training_views",
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
