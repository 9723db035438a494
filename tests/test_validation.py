"""The shared argument checks, the progress ticker and the one-line interrupt."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import validation as v
from helpers.timing import Interrupted, Ticker, interruptible


@pytest.mark.parametrize("call, error, match", [
    (lambda: v.whole("n", "3"), TypeError, "n must be a whole number"),
    (lambda: v.whole("n", None), TypeError, "for example n="),
    (lambda: v.whole("n", True), TypeError, "whole number"),
    (lambda: v.whole("n", 2.5), ValueError, "whole number"),
    (lambda: v.whole("n", float("nan")), ValueError, "whole number"),
    (lambda: v.whole("n", 0, low=1), ValueError, "≥ 1; got 0"),
    (lambda: v.whole("n", 9, low=1, high=8), ValueError, "≤ 8"),
    (lambda: v.real("lr", "0.1"), TypeError, "lr must be a number"),
    (lambda: v.real("lr", float("nan")), ValueError, "finite"),
    (lambda: v.real("lr", float("inf")), ValueError, "finite"),
    (lambda: v.real("lr", 0.0, low=0.0, low_open=True), ValueError, "> 0"),
    (lambda: v.real("beta", 1.0, high=1.0, high_open=True), ValueError, "< 1"),
    (lambda: v.boolean("flag", "yes"), TypeError, "True or False"),
    (lambda: v.choice("kind", "x", ("a", "b")), ValueError, "one of 'a', 'b'"),
    (lambda: v.choice("kind", ["a"], ("a", "b")), ValueError, "one of"),
    (lambda: v.seed_value("seed", None), TypeError, "can be repeated"),
    (lambda: v.seed_value("seed", "abc"), TypeError, "whole number ≥ 0"),
    (lambda: v.seed_value("seed", 1.5), TypeError, "whole number ≥ 0"),
    (lambda: v.seed_value("seed", -1), ValueError, "≥ 0"),
    (lambda: v.callback("progress", "yes", "f(x)"), TypeError, "function called as f"),
    (lambda: v.array("theta", "abc"), TypeError, "array of numbers"),
    (lambda: v.array("theta", None), TypeError, "array of numbers"),
    (lambda: v.array("theta", [[1, 2], [3]]), TypeError, "array of numbers"),
    (lambda: v.array("theta", [1.0, np.nan]), ValueError, "NaN"),
    (lambda: v.array("theta", [1.0, 2.0], ndim=2), ValueError, "2 dimension"),
    (lambda: v.array("theta", [1.0, 2.0], shape=(3,)), ValueError, r"shape \(3\)"),
    (lambda: v.array("theta", [], min_size=1), ValueError, "at least 1"),
    (lambda: v.whole_tuple("sizes", (8, 0)), ValueError, "tuple of whole numbers"),
    (lambda: v.fits_in_memory("this", 3 * 1024**3), ValueError, "3 GiB of memory"),
])
def test_each_bad_argument_has_a_clear_message(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_good_arguments_come_back_normalised():
    assert v.whole("n", np.int64(3)) == 3 and v.whole("n", 4.0) == 4
    assert v.real("lr", np.float32(0.5), low=0.0) == 0.5
    assert v.seed_value("seed", np.int64(7)) == 7
    assert 0 <= v.seed_value("seed", np.random.default_rng(0)) < 2**31
    assert v.array("x", [[1, 2]], shape=(None, 2)).shape == (1, 2)
    assert v.whole_tuple("h", 8) == (8,) and v.human_bytes(8 * 1024**3) == "8 GiB"
    v.fits_in_memory("this", 1024)


def test_ticker_reports_by_time_slices_and_always_at_the_end():
    calls = []
    tick = Ticker(lambda *a: calls.append(a), interval=3600.0)
    for i in range(1, 1001):
        tick("stage", i, 1000)
    assert calls == [("stage", 1000, 1000)]
    assert (tick.stage, tick.done, tick.total) == ("stage", 1000, 1000)
    every = Ticker(lambda *a: calls.append(a), interval=0.0)
    every("other", 1, 5)
    assert calls[-1] == ("other", 1, 5)


def test_an_interrupt_becomes_one_line():
    with pytest.raises(Interrupted, match="after 3 of 10") as info:
        with interruptible(lambda: "after 3 of 10"):
            raise KeyboardInterrupt
    assert isinstance(info.value, KeyboardInterrupt)
    assert info.value.__suppress_context__
    assert info.value._render_traceback_() == ["Interrupted: after 3 of 10"]


def test_ipython_shows_only_the_line(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_cell("from helpers.timing import interruptible\n"
                   "with interruptible(lambda: 'after 3 of 10 runs'):\n"
                   "    raise KeyboardInterrupt\n")
    shown = capsys.readouterr()
    assert "Interrupted: after 3 of 10 runs" in shown.out + shown.err
    assert "Traceback" not in shown.out + shown.err


# ---------------------------------------------------------------- every public entry point


def _context():
    """Small objects the bad calls below need (built once)."""
    import helpers as h

    if not hasattr(_context, "value"):
        net = h.MLP(2, 3, 1)
        X, Y = np.ones((5, 2)), np.ones((5, 1))
        task = h.digits_task(40)
        dnet = h.MLP(64, 3, 10)
        _context.value = dict(h=h, net=net, X=X, Y=Y, th=np.zeros(net.n_params), task=task,
                              dnet=dnet, dth=dnet.init(0))
    return _context.value


def _sgd(**kwargs):
    c = _context()
    args = dict(batch_size=10, lr=0.1, seed=0, epochs=1) | kwargs
    return c["h"].train_sgd(c["dnet"], c["dth"], c["task"].X_train, c["task"].Y_train, **args)


ENTRY_POINTS = [
    ("inertia", lambda c: c["h"].inertia("abc"), TypeError, "eigvals must be an array"),
    ("inertia tol", lambda c: c["h"].inertia([1.0], "a"), TypeError, "tolerance tol must be"),
    ("kind_from_inertia", lambda c: c["h"].kind_from_inertia(3), TypeError, "an Inertia"),
    ("verdict_text", lambda c: c["h"].verdict_text(1, 2), TypeError, "kind must be a string"),
    ("loss_and_grad", lambda c: c["h"].loss_and_grad("x"), TypeError, "must be a Surface"),
    ("MLP l2", lambda c: c["h"].MLP(2, 3, l2="a"), TypeError, "l2 must be a number"),
    ("MLP memory", lambda c: c["h"].MLP(2, 10**6, 10**4), ValueError, "GiB of memory"),
    ("MLP.init seed", lambda c: c["net"].init("x"), TypeError, "rng must be a whole number"),
    ("MLP.init None", lambda c: c["net"].init(None), TypeError, "can be repeated"),
    ("MLP.loss X", lambda c: c["net"].loss(c["th"], "x", c["Y"]), TypeError, "X must be an"),
    ("MLP.hvp v", lambda c: c["net"].hvp(c["th"], c["X"], c["Y"], "a"), TypeError, "v must be"),
    ("MLP.hessian memory", lambda c: c["h"].MLP(2, 20000, 1).hessian(
        np.zeros(80001), c["X"], c["Y"]), ValueError, "dense Hessian"),
    ("lowest_eigenpair hvp", lambda c: c["h"].lowest_eigenpair("x", 3), TypeError,
     "hvp must be a function"),
    ("lowest_eigenpair n", lambda c: c["h"].lowest_eigenpair(lambda v: v, 0), ValueError,
     "n_params must be a whole number ≥ 2"),
    ("lowest_eigenpair seed", lambda c: c["h"].lowest_eigenpair(lambda v: v, 3, seed="a"),
     TypeError, "seed must be a whole number ≥ 0"),
    ("make_network_problem", lambda c: c["h"].make_network_problem(10**12), ValueError,
     "of memory"),
    ("dense_lowest_eigenpair", lambda c: c["h"].dense_lowest_eigenpair(np.ones((2, 3))),
     ValueError, "square matrix"),
    ("loss_along_direction", lambda c: c["h"].loss_along_direction(
        c["net"], c["th"], c["X"], c["Y"], c["th"], "a"), TypeError, "ts must be"),
    ("network_hvp", lambda c: c["h"].network_hvp("a", c["th"], c["X"], c["Y"]), TypeError,
     "model must be an MLP"),
    ("canonical_theta", lambda c: c["h"].canonical_theta(c["net"], "a"), TypeError, "theta"),
    ("distinct_critical_points", lambda c: c["h"].distinct_critical_points("a"), TypeError,
     "minimum_ratio_experiment"),
    ("follow_l2", lambda c: c["h"].follow_l2("a", [1e-3]), TypeError, "result must be"),
    ("digits_problem", lambda c: c["h"].digits_problem(0), ValueError, "n_samples"),
    ("load_sweep type", lambda c: c["h"].load_sweep(3), TypeError, "path must be"),
    ("load_sweep missing", lambda c: c["h"].load_sweep("/nonexistent.npz"), FileNotFoundError,
     "no sweep file"),
    ("search_from", lambda c: c["h"].search_from(c["dnet"], c["task"].X_train,
                                                 c["task"].Y_train, "x", c["dth"]),
     TypeError, "start must be a Start"),
    ("start_thetas units", lambda c: c["h"].start_thetas(
        c["dnet"], c["task"].X_train, c["task"].Y_train, 0, -1, [1]), ValueError, "units"),
    ("start_thetas steps", lambda c: c["h"].start_thetas(
        c["dnet"], c["task"].X_train, c["task"].Y_train, 0, 2, [10**9]), ValueError,
     "too long"),
    ("Start", lambda c: c["h"].Start("x", 0, 0, 0, 0), ValueError, "family must be one of"),
    ("check_point", lambda c: c["h"].check_point(c["net"], c["X"], c["Y"], "a"), TypeError,
     "theta"),
    ("status_of", lambda c: c["h"].status_of("a"), TypeError, "check_point"),
    ("partitioned_newton", lambda c: c["h"].partitioned_newton(
        c["net"], c["X"], c["Y"], c["th"], "a"), TypeError, "k must be a whole number"),
    ("zero_gap", lambda c: c["h"].zero_gap([1.0], -1), ValueError, "tol must be"),
    ("is_ambiguous", lambda c: c["h"].is_ambiguous([1.0], "a"), TypeError, "tol must be"),
    ("tolerance_row", lambda c: c["h"].tolerance_row([np.ones(2)], [1.0, 2.0], 1e-6),
     ValueError, "one value per spectrum"),
    ("goe_all_positive_probability n", lambda c: c["h"].goe_all_positive_probability(0),
     ValueError, "n must be"),
    ("goe_all_positive_probability samples", lambda c: c["h"].goe_all_positive_probability(
        5, 10**12), ValueError, "too long"),
    ("goe_all_positive_probability seed", lambda c: c["h"].goe_all_positive_probability(
        5, 10, seed=None), TypeError, "seed"),
    ("goe_asymptotic", lambda c: c["h"].goe_asymptotic("a"), TypeError, "n must be an array"),
    ("goe_matrices", lambda c: c["h"].goe_matrices(1000, 10**6), ValueError, "TiB of memory"),
    ("MomentumDemo start", lambda c: c["h"].MomentumDemo(start="a"), TypeError, "start"),
    ("MomentumDemo n_steps", lambda c: c["h"].MomentumDemo(n_steps=-1), ValueError, "n_steps"),
    ("MomentumDemo.paths", lambda c: c["h"].MomentumDemo().paths(0.1, 2.0), ValueError,
     "momentum"),
    ("LineFit.make n", lambda c: c["h"].LineFit.make(0), ValueError, "n must be"),
    ("LineFit.make rng", lambda c: c["h"].LineFit.make(5, "a"), TypeError, "rng"),
    ("LineFit", lambda c: c["h"].LineFit(np.ones(3), np.ones(2)), ValueError, "same length"),
    ("minibatch_path rng", lambda c: c["h"].minibatch_path(
        lambda t, i: t, np.zeros(2), 10, 2, 1, c["h"].optimizers.SGD(0.1), 0), TypeError,
     "numpy Generator"),
    ("minibatch_path epochs", lambda c: c["h"].minibatch_path(
        lambda t, i: t, np.zeros(2), 10, 2, -1, c["h"].optimizers.SGD(0.1),
        np.random.default_rng(0)), ValueError, "n_epochs"),
    ("mlp_flops_per_update", lambda c: c["h"].mlp_flops_per_update(-1, 1, 1), ValueError,
     "batch_size"),
    ("epoch_batches", lambda c: c["h"].epoch_batches(10, 2, 0), TypeError, "numpy Generator"),
    ("updates_per_epoch", lambda c: c["h"].updates_per_epoch(10, "a"), TypeError, "batch_size"),
    ("digits_task", lambda c: c["h"].digits_task(40, seed="a"), TypeError, "seed"),
    ("train_sgd lr", lambda c: _sgd(lr=float("nan")), ValueError, "lr must be"),
    ("train_sgd seed", lambda c: _sgd(seed=None), TypeError, "seed"),
    ("train_sgd epochs", lambda c: _sgd(epochs=-3), ValueError, "epochs"),
    ("accuracy", lambda c: c["h"].accuracy(c["dnet"], c["dth"], c["task"].X_train, [1, 2]),
     ValueError, "one label per row"),
    ("sharpness", lambda c: c["h"].sharpness(c["dnet"], c["dth"], c["task"].X_train,
                                             c["task"].Y_train, tol=-1), ValueError, "tol"),
    ("largest_eigenpairs", lambda c: c["h"].largest_eigenpairs(lambda v: v, 5, 10),
     ValueError, "k must be"),
    ("gradient_noise", lambda c: c["h"].gradient_noise(
        c["dnet"], c["dth"], c["task"].X_train, c["task"].Y_train, "a"), TypeError,
     "batch_sizes"),
    ("load_results", lambda c: c["h"].load_results(3, "s"), TypeError, "name must be"),
    ("run_control", lambda c: c["h"].run_control(
        c["dnet"], c["task"], [10], lr=0.1, seeds=[0], control="a"), TypeError, "control"),
    ("end_point", lambda c: c["h"].end_point(c["dnet"], c["dth"], "a"), TypeError, "task"),
    ("mean_sd", lambda c: c["h"].mean_sd("a"), TypeError, "values"),
    ("paired_difference", lambda c: c["h"].paired_difference(np.ones((3, 2)), 9), ValueError,
     "j must be"),
    ("filter_normalised_direction", lambda c: c["h"].filter_normalised_direction(
        c["dnet"], c["dth"], "a"), TypeError, "rng"),
    ("loss_profile", lambda c: c["h"].loss_profile(c["dnet"], c["dth"], c["dth"], "a",
                                                   c["task"]), TypeError, "alphas"),
    ("half_width", lambda c: c["h"].half_width([1, 2], [1.0]), ValueError, "train_loss"),
    ("teacher_task", lambda c: c["h"].teacher_task(10, seed="a"), TypeError, "seed"),
    ("certify_saddle", lambda c: c["h"].certify_saddle(c["net"], "a", c["X"], c["Y"]),
     TypeError, "theta"),
    ("embed_saddle", lambda c: c["h"].embed_saddle(np.ones(4), float("nan")), ValueError,
     "gamma must be a finite number; got nan"),
    ("sgd_escape_times", lambda c: c["h"].sgd_escape_times(
        c["net"], c["th"], c["X"], c["Y"], batch_size=2, starts="a"), TypeError, "starts"),
    ("predicted_gd_escape", lambda c: c["h"].predicted_gd_escape("a", np.ones((2, 2))),
     TypeError, "certificate"),
    ("lecture_saddle_gradients", lambda c: c["h"].lecture_saddle_gradients("a", "b"),
     TypeError, "x must be"),
    ("random_offsets", lambda c: c["h"].random_offsets(10**9, 10**3), ValueError, "memory"),
    ("best_gd", lambda c: c["h"].best_gd("a", 1), TypeError, "mu must be a number"),
    ("best_heavy_ball", lambda c: c["h"].best_heavy_ball(2, 1), ValueError, "0 < mu <= L"),
    ("bowl_path", lambda c: c["h"].bowl_path([1.0, 2.0], [1.0], 0.1, 0.9, 5), ValueError,
     "theta0 must have shape"),
    ("bowl_path memory", lambda c: c["h"].bowl_path([1.0, 2.0], [1.0, 1.0], 0.1, 0.9, 10**10),
     ValueError, "memory"),
    ("critical_beta", lambda c: c["h"].critical_beta("a", 1), TypeError, "lr must be"),
    ("measured_rate", lambda c: c["h"].measured_rate(np.ones((5, 2)), 50), ValueError,
     "window"),
    ("spectral_rate", lambda c: c["h"].spectral_rate("a", 0.1, 0.9), TypeError, "curvatures"),
    ("steps_to", lambda c: c["h"].steps_to(np.ones((5, 2)), 2.0), ValueError, "fraction"),
    ("unrolled_momentum", lambda c: c["h"].unrolled_momentum("a", 0.1, 0.9), TypeError,
     "grads"),
    ("CliffThenSlope", lambda c: c["h"].CliffThenSlope(width=0), ValueError, "width"),
    ("FlatThenValley", lambda c: c["h"].FlatThenValley(width=-1), ValueError, "width"),
    ("adam_ratio", lambda c: c["h"].adam_ratio(np.ones((3, 2)), beta1=1.0), ValueError,
     "beta1"),
    ("first_index", lambda c: c["h"].first_index("a"), TypeError, "mask"),
    ("overshoot_and_settle", lambda c: c["h"].overshoot_and_settle("a"), TypeError, "x must"),
    ("run_kind", lambda c: c["h"].run_kind("zz", c["h"].CliffThenSlope(), np.zeros(2), 0.1, 5),
     ValueError, "kind must be one of"),
    ("track_sharpness", lambda c: c["h"].track_sharpness(
        c["dnet"], c["dth"], c["task"].X_train, c["task"].Y_train, lr=0.1, n_steps=5,
        every=0), ValueError, "every"),
    ("summarise_run", lambda c: c["h"].summarise_run("a"), TypeError, "track_sharpness"),
    ("optimizers.SGD", lambda c: c["h"].optimizers.SGD("a"), TypeError, "lr must be"),
    ("optimizers.run", lambda c: c["h"].optimizers.run(
        c["h"].optimizers.SGD(0.1), "a", np.zeros(2), 3), TypeError, "grad_fn must be"),
    ("optimizers.trace", lambda c: c["h"].optimizers.trace(
        "a", lambda t: t, np.zeros(2), 3), TypeError, "optimizer must be"),
    ("measure", lambda c: c["h"].measure("a"), TypeError, "fn must be a function"),
]


@pytest.mark.parametrize("call, error, match", [case[1:] for case in ENTRY_POINTS],
                         ids=[case[0] for case in ENTRY_POINTS])
def test_public_entry_points_refuse_bad_arguments_in_plain_words(call, error, match):
    with pytest.raises(error, match=match) as info:
        call(_context())
    assert "/helpers/" in info.traceback[-1].path.as_posix()  # raised by the course itself


def test_a_width_the_default_steps_cannot_certify_says_so():
    """n_hidden=32 with the default lm_iters certifies nothing: a warning names the fix."""
    from helpers import minimum_ratio_experiment

    fix = r"None of the 2 runs reached a critical point.*lm_iters=3000"
    with pytest.warns(UserWarning, match=fix):
        result = minimum_ratio_experiment(2, 0, n_hidden=32)
    assert not result.certified
