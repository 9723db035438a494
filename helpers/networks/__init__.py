"""Small tanh networks with exact derivatives, and what the course does with them.

* ``mlp`` — ``MLP``, the exact Hessian engine (loss, gradient, HVP, Hessian, batched);
  ``passes`` holds its one forward and backward pass, ``second_order`` the Jacobian, HVP and
  Hessian built on them.
* ``curvature`` — the most negative eigenpair from HVPs (Lanczos) without forming H.
* ``roots`` — Newton and Levenberg–Marquardt on ∇L = 0 (critical points of any index).
* ``experiment`` — the minimum-ratio experiment; ``continuation`` follows its points as the L2
  weight shrinks; ``symmetries`` groups copies of one point.
"""
