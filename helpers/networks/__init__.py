"""Small tanh networks with exact derivatives, and what the course does with them.

* ``mlp`` — ``MLP``, the exact Hessian engine (loss, gradient, HVP, Hessian, batched) for any
  number of hidden layers and outputs; one hidden layer runs on ``passes`` (its one forward and
  backward pass) and ``second_order`` (Jacobian, HVP, Hessian), deeper networks on
  ``deep_passes`` (pass and HVP) and ``deep_hessian`` (Jacobian and Hessian).
* ``curvature`` — the most negative eigenpair from HVPs (Lanczos) without forming H.
* ``roots`` — Newton and Levenberg–Marquardt on ∇L = 0 (critical points of any index).
* ``experiment`` — the minimum-ratio experiment; ``continuation`` follows its points as the L2
  weight shrinks; ``symmetries`` groups copies of one point.
"""
