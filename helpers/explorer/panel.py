"""The explorer's side panel: HTML with LaTeX ($…$) for ipywidgets.HTMLMath, one row per fact."""

from __future__ import annotations

import html

import numpy as np
import sympy as sp

from helpers import style
from helpers.explorer.model import CUSTOM, MENU_NAMES, ExplorerState, fmt, fmt_point, step_text
from helpers.explorer.wording import panel_text, phrase_title
from helpers.spectrum import inertia, zero_threshold
from helpers.symbolic import PointReport

ZERO_COLOR = "#737373"  # an eigenvalue that is zero within the tolerance
# A row that scrolls sideways instead of widening the panel: width 0 + min-width 100 % gives
# it no say in the panel's minimum width (a flex item's min-content), yet it fills the panel.
SCROLL_CSS = "overflow-x:auto;overflow-y:hidden;width:0;min-width:100%;"
ERROR_CSS = "color:#b00020;border-left:3px solid #b00020;padding-left:6px"
WARNING_CSS = "color:#8a5300;border-left:3px solid #e69f00;padding-left:6px"
BUSY_CSS = "color:#555;border-left:3px solid #999;padding-left:6px"
MAX_LABEL = 300  # characters of LaTeX; a longer label shows as L
MAX_TERMS = 40  # a formula with more terms is not split for wrapping


def row(content: str, css: str = "") -> str:
    """One line of the side panel."""
    return f'<div style="margin:3px 0;{css}">{content}</div>'


def sign_color(lam: float, threshold: float) -> str:
    """Colour of an eigenvalue by its sign (grey when |λ| ≤ threshold)."""
    counts = inertia([lam], threshold)
    if counts.positive:
        return style.POSITIVE_COLOR
    if counts.negative:
        return style.NEGATIVE_COLOR
    return ZERO_COLOR


def eig_threshold(rep: PointReport) -> float:
    """The report's zero band for its eigenvalues: eig_tol·max(1, max|λ|)."""
    return zero_threshold(rep.eigenvalues, rep.eig_tol, relative=True)


def latex_vec(v: np.ndarray) -> str:
    """A column vector in LaTeX."""
    return r"\begin{pmatrix}" + r" \\ ".join(fmt(c) for c in v) + r"\end{pmatrix}"


def latex_mat(m: np.ndarray) -> str:
    """A matrix in LaTeX."""
    rows = [" & ".join(fmt(c) for c in r) for r in m]
    return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"


def busy_html(working: str) -> str:
    """The row shown while a background analysis runs (what it is doing)."""
    return row(f"<i>working: {html.escape(working)}</i>", BUSY_CSS)


def formula_html(state: ExplorerState) -> str:
    """The loss; a custom formula as one $…$ per term, so it wraps between terms."""
    names = [sp.latex(v) for v in state.variables]
    label = state.label if len(state.label) < MAX_LABEL else sp.latex(sp.Symbol("L"))
    if state.name != CUSTOM:
        return f"${label}$"
    head = f"$L({', '.join(names)}) = "
    terms = state.expr.as_ordered_terms() if isinstance(state.expr, sp.Add) else []
    if not (1 < len(terms) <= MAX_TERMS and len(state.label) < MAX_LABEL):
        return f"{head}{label}$"
    pieces = [sp.latex(t) for t in terms]
    return f"{head}{pieces[0]}$" + "".join(
        f"<wbr>${{}} - {t[1:]}$" if t.startswith("-") else f"<wbr>${{}} + {t}$"
        for t in pieces[1:])


def error_html(error: str) -> str:
    """The error row: prose that wraps, then the formula and its ^ marker in monospace."""
    prose, _, code = error.partition("\n")
    block = (f'<pre style="white-space:pre;{SCROLL_CSS}margin:2px 0 0 0;'
             f'font-size:12px;color:inherit;background:none">{html.escape(code)}</pre>'
             if code.strip() else "")
    return row(f"<b>⚠</b> {html.escape(prose)}{block}", ERROR_CSS)


def verdict_html(rep: PointReport) -> str:
    """The kind in its colour, and the resolved kind when they differ."""
    kind_color = style.KIND_COLORS.get(rep.kind, "black")
    verdict = f'<b style="color:{kind_color}">{html.escape(rep.kind)}</b>'
    if rep.resolved_kind != rep.kind:
        rc = style.KIND_COLORS.get(rep.resolved_kind, "black")
        verdict += f' → resolved: <b style="color:{rc}">{html.escape(rep.resolved_kind)}</b>'
    return verdict


def derivative_rows(rep: PointReport) -> list[str]:
    """g, H and the eigen-pairs coloured by sign (or why they do not exist)."""
    if not rep.smooth:
        return [row("$g$ and $H$ do not exist here (a kink of $L$)")]
    rows = [
        row(f"$g = \\nabla L = {latex_vec(rep.gradient)}$, $\\|g\\| = {fmt(rep.grad_norm)}$"),
        row(f"$H = {latex_mat(rep.hessian)}$"),
    ]
    threshold = eig_threshold(rep)
    for i, lam in enumerate(rep.eigenvalues):
        color = sign_color(float(lam), threshold)
        rows.append(row(
            f'<span style="color:{color}">$\\lambda_{i + 1} = {fmt(lam)}$</span> '
            f"along $v_{i + 1} = {latex_vec(rep.eigenvectors[:, i])}$"))
    return rows


def report_rows(state: ExplorerState, rep: PointReport, snap_radius: float) -> list[str]:
    """The point, its value, derivatives, kind, reason and the step that lowers L."""
    names = [sp.latex(v) for v in state.variables]
    pt = fmt_point(state.point if state.point is not None else rep.point)
    rows = [row(f"$\\theta = ({', '.join(names)}) = ({pt})$")]
    if state.snapped:
        rows.append(row(f"<i>snapped to this critical point: your pick was within "
                        f"{snap_radius:.0%} of the view's width</i>",
                        "font-size:12px;color:#555"))
    rows.append(row(f"$L(\\theta) = {fmt(rep.value)}$"))
    rows += derivative_rows(rep)
    return rows + [
        row(f"kind: {verdict_html(rep)}" + (" (exact)" if rep.exact else "")),
        row(f"<i>why</i>: {html.escape(rep.reason)}"),
        row(html.escape(step_text(rep))),
    ]


def panel_html(state: ExplorerState, snap_radius: float = 0.02, gd_text: str = "") -> str:
    """The side panel as HTML with LaTeX ($…$); gd_text is a last row when not empty."""
    title = MENU_NAMES.get(state.name, "your formula" if state.name == CUSTOM else state.name)
    return panel_text(_panel_parts(state, phrase_title(title), snap_radius, gd_text))


def _panel_parts(state: ExplorerState, title: str, snap_radius: float, gd_text: str) -> str:
    """The panel's rows in English (``panel_html`` words them in the kernel's language)."""
    # one row per fact, so the panel stays readable when it is narrow; a long formula
    # scrolls inside its own row instead of widening (or being clipped with) the panel
    parts = [row(f"<b>{html.escape(title)}</b>"),
             row(formula_html(state), SCROLL_CSS + "padding-bottom:2px")]
    if state.working:
        parts.append(busy_html(state.working))
    if state.error:
        parts.append(error_html(state.error))
    if state.notice:
        parts.append(row(f"⚠ {html.escape(state.notice)}", WARNING_CSS))
    parts += [row(f"⚠ {html.escape(w)}", WARNING_CSS) for w in state.warnings]
    if state.report is None:
        if state.point is not None and not state.error:
            names = ", ".join(sp.latex(v) for v in state.variables)
            parts.append(row(f"$\\theta = ({names}) = ({fmt_point(state.point)})$"))
        return "".join(parts)
    parts += report_rows(state, state.report, snap_radius)
    if gd_text:
        parts.append(row(html.escape(gd_text), "color:#333"))
    return "".join(parts)
