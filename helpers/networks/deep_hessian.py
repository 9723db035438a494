"""The exact full Hessian and the output Jacobian of a tanh network of any depth.

Let u_l = δW_l·ã_{l-1} (ã = [a | 1]) be the change of layer l's pre-activation caused by layer l's
own parameters. Then

    δθᵀHδθ = Σ_i Σ_{l,m} u_lᵀ M_i[l,m] u_m + 2 Σ_i Σ_l ⟨gz_l, δW_l S_{l-1} δz_{l-1}⟩,

with M_i[l,m] = ∂²L/∂u_l∂u_m the exact per-sample Hessian with respect to pre-activations
(Gauss–Newton *and* tanh'' terms): Hz_{L+1} = c·I, Hz_l = S_l W_{l+1}ᵀ Hz_{l+1} W_{l+1} S_l +
diag(T_l), M[l,m] = Hz_l·Φ_{l←m} (Φ the layer-to-layer Jacobian). The second sum is the bilinear
term of z_l = W_l a_{l-1}: it couples W_l with every earlier layer. Each (l, m) block is a sample
sum computed as ONE matrix product of row-wise Kronecker (Khatri–Rao) products, about
2·n·P_l·P_m flops (n·P² in all). With few outputs the Gauss–Newton part is cheaper as c·JᵀJ (one
BLAS syrk); ``hessian`` picks the route with fewer estimated flops.
"""

from __future__ import annotations

import numpy as np

from helpers.networks.deep_passes import DeepPass, Layout

__all__ = ["deep_hessian", "deep_jacobian", "tilde"]

Array = np.ndarray


def tilde(a: Array) -> Array:
    """[a | 1]: activations with a column of ones for the bias."""
    return np.concatenate([a, np.ones((*a.shape[:-1], 1))], axis=-1)


def _right(A: Array, W: Array) -> Array:
    """A_i·W for every sample i: A (..., n, a, b), W (..., b, c) → (..., n, a, c), one GEMM."""
    n, a, b = A.shape[-3:]
    lead = np.broadcast_shapes(A.shape[:-3], W.shape[:-2])
    A = np.ascontiguousarray(np.broadcast_to(A, (*lead, n, a, b)))
    return np.matmul(A.reshape(*lead, n * a, b), W).reshape(*lead, n, a, W.shape[-1])


def _left(W: Array, A: Array) -> Array:
    """W·A_i for every sample i: W (..., a, b), A (..., n, b, c) → (..., n, a, c), one GEMM."""
    return np.swapaxes(_right(np.swapaxes(A, -1, -2), np.swapaxes(W, -1, -2)), -1, -2)


def _khatri_rao(a: Array, b: Array) -> Array:
    """Row-wise Kronecker product: (..., n, p) and (..., n, q) → (..., n, p·q)."""
    return (a[..., :, :, None] * b[..., :, None, :]).reshape(*a.shape[:-1], -1)


def _pairs(a: Array) -> Array:
    """Products a[:, p]·a[:, q] for the pairs p ≤ q only (np.triu_indices order)."""
    pu, qu = np.triu_indices(a.shape[-1])
    return a[..., :, pu] * a[..., :, qu]


def _sym_index(w: int) -> Array:
    """(w, w) positions into the list of pairs p ≤ q (np.triu_indices order), symmetric."""
    pu, qu = np.triu_indices(w)
    idx = np.empty((w, w), dtype=np.intp)
    idx[pu, qu] = np.arange(pu.size)
    idx[qu, pu] = np.arange(pu.size)
    return idx


def _psis(p: DeepPass) -> dict:
    """Ψ[(l, m)] = ∂a_l/∂z_m per sample (..., n, n_l, n_m), 1 ≤ m < l ≤ L."""
    Psi: dict = {}
    for l in range(2, len(p.Ws)):
        for m in range(1, l):
            Psi[(l, m)] = p.S[l][..., :, None] * _phi(p, Psi, l, m)
    return Psi


def _phi(p: DeepPass, Psi: dict, l: int, m: int) -> Array:
    """Φ_{l←m} = ∂z_l/∂z_m per sample (..., n, n_l, n_m), m < l."""
    if m == l - 1:
        return p.Ws[l - 1][..., None, :, :] * p.S[l - 1][..., None, :]
    return _left(p.Ws[l - 1], Psi[(l - 1, m)])


def _jacobian(layout: Layout, p: DeepPass, At: list, Psi: dict) -> Array:
    """∂F/∂θ (..., n·n_out, P) from its Khatri–Rao structure Φ_{L+1←m} ⊗ ã_{m-1}."""
    L, K = layout.depth, layout.sizes[-1]
    lead, n = p.data_loss.shape, p.R.shape[-2]
    J = np.empty((*lead, n, K, layout.n_params))
    for m in range(1, L + 2):
        a = np.broadcast_to(At[m - 1], (*lead, *At[m - 1].shape[-2:]))[..., :-1]
        w, b = layout.w_slices[m - 1], layout.b_slices[m - 1]
        if m == L + 1:  # output layer: ∂F_k/∂W[k, :] = a_L, ∂F_k/∂b[k] = 1
            J[..., w] = 0.0
            J[..., b] = np.eye(K)
            fan = a.shape[-1]
            for k in range(K):
                J[..., k, w.start + k * fan: w.start + (k + 1) * fan] = a
            continue
        phi = _phi(p, Psi, L + 1, m)  # (..., n, K, n_m)
        J[..., w] = (phi[..., None] * a[..., :, None, None, :]).reshape(*lead, n, K, -1)
        J[..., b] = phi
    return J.reshape(*lead, n * K, layout.n_params)


def deep_jacobian(layout: Layout, p: DeepPass) -> Array:
    """Jacobian of the outputs ∂F/∂θ (..., n·n_out, P), rows sample-major."""
    return _jacobian(layout, p, [tilde(a) for a in p.A], _psis(p))


def _use_jacobian(layout: Layout) -> bool:
    """True when Gauss–Newton as c·JᵀJ (syrk) needs fewer estimated flops than the blocks."""
    sizes, L = layout.sizes, layout.depth
    P_l = [sizes[l] * (sizes[l - 1] + 1) for l in range(1, L + 2)]

    def flops(top: int, jac: bool) -> float:
        f = 0.6 * sizes[-1] * layout.n_params ** 2 if jac else 0.0
        for l in range(1, top + 1):
            for m in range(1, l + 1):
                if l == m and (l == L + 1 or (jac and l == L)):  # per-unit Grams only
                    f += 2.0 * sizes[l] * (sizes[l - 1] + 1) ** 2
                else:  # the GEMM (a quarter on diagonal blocks) plus the per-sample M
                    gemm = 0.5 * P_l[l - 1] ** 2 if l == m else 2.0 * P_l[l - 1] * P_l[m - 1]
                    f += gemm + 8.0 * sizes[l] * sizes[m] * (sizes[m - 1] + 2)
        return f

    return flops(L, True) < flops(L + 1, False)


def _pre_activation_hessians(p: DeepPass, use_jac: bool) -> list:
    """Hz[l]: per-sample ∂²L/∂z_l² for the part that goes through the blocks.

    ("c",) = c·I (output layer), ("diag", t) diagonal t (..., n, n_l), ("full", h), or None.
    """
    L = len(p.Ws) - 1
    Hz: list = [None] * (L + 2)
    Hz[L + 1] = None if use_jac else ("c",)
    for l in range(L, 0, -1):
        up, W = Hz[l + 1], p.Ws[l]
        if up is None:
            Hz[l] = ("diag", p.T[l])
            continue
        if up[0] == "c":
            h = p.c * np.matmul(np.swapaxes(W, -1, -2), W)[..., None, :, :]
        elif up[0] == "diag":  # Σ_k t_ik W[k,a] W[k,b]: one GEMM with W's row-wise products
            nl = W.shape[-1]
            WW = (W[..., :, :, None] * W[..., :, None, :]).reshape(*W.shape[:-1], nl * nl)
            h = np.matmul(up[1], WW).reshape(*up[1].shape[:-1], nl, nl)
        else:  # Wᵀ·Hz_i·W for all samples with two GEMMs (Hz_i symmetric)
            h = _right(np.swapaxes(_right(up[1], W), -1, -2), W)
        h = p.S[l][..., :, None] * h * p.S[l][..., None, :]
        idx = np.arange(h.shape[-1])
        h[..., idx, idx] += p.T[l]
        Hz[l] = ("full", h)
    return Hz


def deep_hessian(layout: Layout, p: DeepPass) -> Array:
    """Exact Hessian (..., P, P) of the mean-squared error (no L2 term) from the pass."""
    L = layout.depth
    use_jac = _use_jacobian(layout)
    At, Psi = [tilde(a) for a in p.A], _psis(p)
    Hz = _pre_activation_hessians(p, use_jac)
    if use_jac:
        J = _jacobian(layout, p, At, Psi)
        H = p.c * (J.T @ J) if J.ndim == 2 else p.c * np.matmul(np.swapaxes(J, -1, -2), J)
        del J  # numpy calls BLAS syrk for the 2-D A.T @ A
    else:
        H = np.zeros((*p.data_loss.shape, layout.n_params, layout.n_params))
    for l in range(1, L + 2):
        for m in range(1, l + 1):
            block = _block(layout, H, p, At, Hz, Psi, l, m)
            if block is None:
                continue
            _add(layout, H, block, l, m)
            if m != l:
                nd = block.ndim
                _add(layout, H, block.transpose(*range(nd - 4), nd - 2, nd - 1, nd - 4, nd - 3),
                     m, l)
    return H


def _unit_grams(layout: Layout, H: Array, p: DeepPass, At: list, hz: tuple, l: int) -> None:
    """Diagonal Hz: per-unit weighted Grams Σ_i t_ij·ã ãᵀ added straight into H."""
    al = At[l - 1]
    lead, nl, wl = p.data_loss.shape, layout.sizes[l], layout.sizes[l - 1] + 1
    C = _pairs(al)  # (..., n, w_l(w_l+1)/2): input pairs p ≤ q only
    n_pairs = C.shape[-1]
    if hz[0] == "c":  # c·I ⊗ ÃᵀÃ
        G = np.broadcast_to(p.c * np.broadcast_to(C.sum(axis=-2), (*lead, n_pairs))[..., None, :],
                            (*lead, nl, n_pairs))
    else:
        G = np.matmul(np.swapaxes(hz[1], -1, -2), C)  # (..., n_l, pairs)
    ui = layout.unit_idx[l - 1]
    H[..., ui[:, :, None], ui[:, None, :]] += G[..., _sym_index(wl)]


def _diagonal_block(p: DeepPass, At: list, h: Array, l: int) -> Array:
    """Full Hz_l, layer with itself: unit pairs j ≤ k and input pairs p ≤ q, a quarter of it."""
    al = At[l - 1]
    lead, n, nl, wl = p.data_loss.shape, al.shape[-2], h.shape[-1], al.shape[-1]
    iu, ju = np.triu_indices(nl)
    Mh = np.broadcast_to(h, (*lead, n, nl, nl))[..., iu, ju]  # (..., n, n_pairs)
    R = np.matmul(np.swapaxes(Mh, -1, -2), _pairs(al))[..., _sym_index(wl)]
    F = np.empty((*lead, nl, nl, wl, wl))
    F[..., iu, ju, :, :] = R
    F[..., ju, iu, :, :] = np.swapaxes(R, -1, -2)
    return np.ascontiguousarray(np.swapaxes(F, -3, -2))


def _cross_block(p: DeepPass, At: list, hz: tuple, Psi: dict, l: int, m: int) -> Array:
    """Σ_i (Hz_l Φ_{l←m})[j,k]·ã_l[i,p]·ã_m[i,q] for m < l, shape (..., n_l, w_l, n_m, w_m)."""
    al, am = At[l - 1], At[m - 1]
    lead, n = p.data_loss.shape, al.shape[-2]
    if hz[0] == "full":  # Hz_l Φ_{l←m} = (Hz_l W_l)·Ψ_{l-1←m}, Ψ_{m←m} = diag(S_m)
        M = _right(hz[1], p.Ws[l - 1])
        M = M * p.S[l - 1][..., None, :] if m == l - 1 else np.matmul(M, Psi[(l - 1, m)])
    else:
        phi = _phi(p, Psi, l, m)
        M = p.c * phi if hz[0] == "c" else hz[1][..., :, :, None] * phi
    nl, nm = M.shape[-2], M.shape[-1]
    M = np.broadcast_to(M, (*lead, n, nl, nm)).reshape(*lead, n, nl * nm)
    out = np.matmul(np.swapaxes(M, -1, -2), _khatri_rao(al, am))
    out = out.reshape(*lead, nl, nm, al.shape[-1], am.shape[-1])
    return np.ascontiguousarray(np.swapaxes(out, -3, -2))


def _bilinear(layout: Layout, H: Array, out: Array | None, p: DeepPass, At: list, Psi: dict,
              l: int, m: int) -> Array | None:
    """The term Σ_i gz_l[i,j]·ã_m[i,q]·Ψ_i[p,k] of z_l = W_l a_{l-1}, m < l."""
    am = At[m - 1]
    lead = p.data_loss.shape
    nl, nm, wm, wl = layout.sizes[l], layout.sizes[m], am.shape[-1], layout.sizes[l - 1] + 1
    E = _khatri_rao(p.gz[l], am)  # (..., n, n_l·w_m)
    if m == l - 1:  # Ψ_{m←m} = diag(S_m): only p = k, added straight into H (both halves)
        B2 = np.matmul(np.swapaxes(E, -1, -2), p.S[m]).reshape(*lead, nl, wm, nm)
        rows = layout.w_slices[l - 1].start + np.arange(nl * nm).reshape(nl, nm)
        r = np.broadcast_to(rows[:, :, None], (nl, nm, wm))
        cc = np.broadcast_to(layout.unit_idx[m - 1][None, :, :], (nl, nm, wm))
        B2 = np.swapaxes(B2, -1, -2)  # (..., n_l, n_m, w_m)
        H[..., r, cc] += B2
        H[..., cc, r] += B2
        return out
    if out is None:
        out = np.zeros((*lead, nl, wl, nm, wm))
    psi = Psi[(l - 1, m)]
    psi = psi.reshape(*psi.shape[:-2], (wl - 1) * nm)
    B2 = np.matmul(np.swapaxes(E, -1, -2), psi).reshape(*lead, nl, wm, wl - 1, nm)
    nd = B2.ndim
    out[..., :, : wl - 1, :, :] += B2.transpose(*range(nd - 4), nd - 4, nd - 2, nd - 1, nd - 3)
    return out


def _block(layout: Layout, H: Array, p: DeepPass, At: list, Hz: list, Psi: dict, l: int,
           m: int) -> Array | None:
    """Block (layer l, layer m), m ≤ l: sparse parts go into H, the dense rest is returned."""
    hz, out = Hz[l], None
    if hz is not None and l == m and hz[0] in ("c", "diag"):
        _unit_grams(layout, H, p, At, hz, l)
    elif hz is not None and l == m:
        out = _diagonal_block(p, At, hz[1], l)
    elif hz is not None:
        out = _cross_block(p, At, hz, Psi, l, m)
    if m < l:
        out = _bilinear(layout, H, out, p, At, Psi, l, m)
    return out


def _add(layout: Layout, H: Array, block: Array, l: int, m: int) -> None:
    """Add a block (..., n_l, w_l, n_m, w_m) into H in theta's [W | b] order."""
    nl, fl = layout.sizes[l], layout.sizes[l - 1]
    nm, fm = layout.sizes[m], layout.sizes[m - 1]
    wl, bl = layout.w_slices[l - 1], layout.b_slices[l - 1]
    wm, bm = layout.w_slices[m - 1], layout.b_slices[m - 1]
    lead = H.shape[:-2]
    view = H[..., wl, wm].reshape(*lead, nl, fl, nm, fm)  # splitting axes of a slice: a view
    view += block[..., :, :fl, :, :fm]
    H[..., wl, bm] += block[..., :, :fl, :, fm].reshape(*lead, nl * fl, nm)
    H[..., bl, wm] += block[..., :, fl, :, :fm].reshape(*lead, nl, nm * fm)
    H[..., bl, bm] += block[..., :, fl, :, fm]
