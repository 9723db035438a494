"""Notebook 06's controlled batch-size study: the same comparison under three controls.

Every batch size starts from the same initialisation per seed (a paired design) and trains
with plain SGD at the same learning rate until one of three controls is met:

- ``same_epochs``: the same number of epochs (the lecture's comparison);
- ``same_updates``: the same number of updates (Hoffer et al. 2017);
- ``same_train_loss``: the same training loss, checked at every epoch end (Keskar et al. 2017).

At every end point: training and test loss and accuracy, the train–test accuracy gap and the
sharpness (largest Hessian eigenvalue). ``paired_difference`` compares two batch sizes seed
by seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from helpers.minibatch import DigitsTask, accuracy, sharpness, train_sgd
from helpers.validation import array, callback, instance, real, seed_value, whole

__all__ = [
    "CONTROLS",
    "METRICS",
    "Control",
    "end_point",
    "mean_sd",
    "paired_difference",
    "run_control",
]

METRICS = ("train_loss", "test_loss", "train_acc", "test_acc", "gap_acc", "sharpness")


@dataclass(frozen=True)
class Control:
    """What is held equal across batch sizes: a name, a label and train_sgd's stopping rule."""

    name: str
    label: str
    epochs: int | None = None
    updates: int | None = None
    target_loss: float | None = None

    def stopping_rule(self) -> dict[str, float]:
        """The keyword arguments of ``train_sgd`` for this control."""
        rule = {"epochs": self.epochs, "updates": self.updates, "target_loss": self.target_loss}
        return {key: value for key, value in rule.items() if value is not None}


CONTROLS: dict[str, Control] = {
    "same_epochs": Control("same_epochs", "(a) same 200 epochs", epochs=200),
    "same_updates": Control("same_updates", "(b) same 10,000 updates", updates=10_000),
    "same_train_loss": Control("same_train_loss", "(c) until training loss ≤ 0.005",
                               target_loss=0.005),
}


def end_point(net, theta: np.ndarray, task: DigitsTask, *, tol: float = 1e-6) -> dict[str, float]:
    """Losses, accuracies, the train−test accuracy gap and the sharpness at theta."""
    instance("task", task, DigitsTask, "a DigitsTask, e.g. digits_task(400)")
    train_acc = accuracy(net, theta, task.X_train, task.labels_train)
    test_acc = accuracy(net, theta, task.X_test, task.labels_test)
    lam, _ = sharpness(net, theta, task.X_train, task.Y_train, tol=tol)
    return {"train_loss": net.loss(theta, task.X_train, task.Y_train),
            "test_loss": net.loss(theta, task.X_test, task.Y_test),
            "train_acc": train_acc, "test_acc": test_acc, "gap_acc": train_acc - test_acc,
            "sharpness": lam}


def run_control(net, task: DigitsTask, batch_sizes: list[int], *, lr: float, seeds: list[int],
                control: Control, progress: Callable[[], None] | None = None,
                ) -> dict[str, np.ndarray]:
    """Every (seed, batch size) under one control: METRICS, updates and epochs, (seeds, B)."""
    instance("task", task, DigitsTask, "a DigitsTask, e.g. digits_task(400)")
    instance("control", control, Control, "one of CONTROLS.values(), e.g. CONTROLS['same_epochs']")
    callback("progress", progress, "progress()")
    for name, values in (("batch_sizes", batch_sizes), ("seeds", seeds)):
        if isinstance(values, str) or not hasattr(values, "__len__"):
            raise TypeError(f"{name} must be a list of whole numbers; got {values!r:.60}.")
    if not len(batch_sizes) or not len(seeds):
        raise ValueError("give at least one batch size and one seed")
    for b in batch_sizes:
        whole("each batch size", b, low=1, high=len(task.X_train), example=32)
    for seed in seeds:
        seed_value("each seed", seed)
    real("lr", lr, low=0.0, low_open=True)
    shape = (len(seeds), len(batch_sizes))
    out = {name: np.empty(shape) for name in (*METRICS, "epochs")}
    out["updates"] = np.empty(shape, dtype=int)
    for i, seed in enumerate(seeds):
        theta0 = net.init(seed)
        for j, b in enumerate(batch_sizes):
            run = train_sgd(net, theta0, task.X_train, task.Y_train, batch_size=b, lr=lr,
                            seed=1000 + seed, **control.stopping_rule())
            for name, value in end_point(net, run.theta, task).items():
                out[name][i, j] = value
            out["updates"][i, j], out["epochs"][i, j] = run.n_updates, run.n_epochs
            if progress is not None:
                progress()
    return out


def mean_sd(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sample standard deviation (ddof = 1) over seeds (axis 0)."""
    values = array("values", values, ndim=(1, 2), finite=False)
    if values.shape[0] < 2:
        raise ValueError("the spread over seeds needs at least two seeds")
    return values.mean(axis=0), values.std(axis=0, ddof=1)


def paired_difference(values: np.ndarray, j: int = 0, ref: int = -1) -> dict[str, float]:
    """Column j minus column ref, seed by seed: mean, sd and how many seeds are > 0 and < 0."""
    values = array("values", values, ndim=2, finite=False)
    n_cols = values.shape[1]
    whole("j", j, low=-n_cols, high=n_cols - 1, example=0)
    whole("ref", ref, low=-n_cols, high=n_cols - 1, example=-1)
    diff = values[:, j] - values[:, ref]
    return {"mean": float(diff.mean()),
            "sd": float(diff.std(ddof=1)) if diff.size > 1 else 0.0,
            "n_positive": int(np.sum(diff > 0)), "n_negative": int(np.sum(diff < 0)),
            "n_seeds": int(diff.size)}
