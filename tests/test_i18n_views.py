"""The views in the Chinese editions: explorer panel and widgets, inspectors, progress bar.

``helpers.i18n`` picks the language (here ``COURSE_LANG``); English stays as it was.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import pytest  # noqa: E402
import sympy as sp  # noqa: E402

from helpers.experiment_views import widget_progress  # noqa: E402
from helpers.explorer import SurfaceExplorer  # noqa: E402
from helpers.explorer.wording import panel_text  # noqa: E402
from helpers.inspectors import PointInspector  # noqa: E402

ENGLISH_KINDS = ("saddle point", "local minimum", "local maximum", "not critical",
                 "degenerate", "undetermined")
# English words the Chinese panel may keep: names, symbols, code (formulas, functions)
KEPT = {"lr", "abs", "log", "Abs", "Himmelblau", "Rosenbrock", "pmatrix", "begin", "end", "theta",
        "nabla", "lambda", "left", "right", "quad", "cdot", "frac", "span", "style", "color"}


def words_outside_math(html: str) -> set[str]:
    """English words of the panel's prose (tags, LaTeX and code blocks removed)."""
    text = re.sub(r"<pre.*?</pre>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>|&\w+;|&#x?\w+;", " ", text)
    text = re.sub(r"\$[^$]*\$", " ", text)
    return {w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in KEPT}


@pytest.fixture
def zh(monkeypatch) -> None:
    monkeypatch.setenv("COURSE_LANG", "zh-Hans")


@pytest.fixture
def en(monkeypatch) -> None:
    monkeypatch.setenv("COURSE_LANG", "en")


@pytest.mark.parametrize(("f", "point", "terms"), [
    ("lecture", (0.0, 0.0), ["鞍点", "特征向量", "种类：", "理由", "逃离"]),
    ("lecture", (1.0, 1.0), ["退化", " → 判定为：", "局部极小值", "零特征值"]),
    ("lecture", (0.3, 0.2), ["非临界点", "下坡", "容差"]),
    ("x3+y2", (0.0, 0.0), ["退化", "鞍点", "泰勒级数"]),
    ("abs(x) + y^2", (0.0, 0.0), ["折点", "无法判定", "局部极小值"]),
    ("log(x) + y^2", (1.0, 0.5), ["没有定义", "留空（灰色）", "非临界点"]),
])
def test_chinese_panel_uses_the_glossary_and_no_english_prose(zh, f, point, terms) -> None:
    ex = SurfaceExplorer(f, point=point, find_critical=False, gd_steps=20)
    html = ex.panel_html()
    for term in terms:
        assert term in html
    for kind in ENGLISH_KINDS:
        assert kind not in html
    assert words_outside_math(html) == set()


def test_english_panel_is_unchanged(en) -> None:
    ex = SurfaceExplorer("lecture", point=(0.0, 0.0), find_critical=False)
    html = ex.panel_html()
    assert "saddle point" in html and "Escape: λ = -2" in html and "kind: " in html
    assert not re.search(r"[\u4e00-\u9fff]", html)
    assert panel_text(html, "en") == html


def test_chinese_panel_words_work_notices_and_parse_errors(zh) -> None:
    ex = SurfaceExplorer("lecture", find_critical=False)
    ex.set_surface("x y")
    html = ex.panel_html()
    assert "没有画出来" in html and "缺少 &#x27;*&#x27;" not in html and "缺少 '*'" in html
    assert "（第 3 列）" in html
    ex.state.working = "finding the critical points…"
    ex.state.notice = ("The search for critical points was given up after 30 s: none are "
                       "marked and picks are not snapped.")
    html = ex.panel_html()
    assert "计算中：正在寻找临界点…" in html and "30 秒后被放弃" in html
    assert words_outside_math(html) == set()


def test_traditional_panel_is_converted_with_taiwan_terms(monkeypatch) -> None:
    monkeypatch.setenv("COURSE_LANG", "zh-Hant")
    html = SurfaceExplorer("lecture", point=(1.0, 1.0), find_critical=False).panel_html()
    assert "局部極小值" in html and "特徵向量" in html and "種類" in html
    assert "區域性" not in html and "型別" not in html


@pytest.mark.parametrize(("lang", "labels"), [
    ("zh-Hans", ("曲面", "梯度下降路径", "停止", "画图", "课程中的网络 (1 − w₁w₂)²")),
    ("en", ("surface", "gradient-descent path", "stop", "plot", "lecture network (1 − w₁w₂)²")),
])
def test_widget_labels(monkeypatch, lang, labels) -> None:
    monkeypatch.setenv("COURSE_LANG", lang)
    ex = SurfaceExplorer("lecture", point=(0.0, 0.0), find_critical=False)
    ex.widget(backend="image")
    c = ex.controls
    shown = (c.menu.description, c.gd.description, c.stop.description, c.button.description,
             c.menu.label)
    assert shown == labels
    assert c.menu.value == "lecture"


def test_point_inspector_summary(monkeypatch) -> None:
    x, y = sp.symbols("x y")
    inspector = PointInspector(x**2 - y**2, (x, y), [(-2, 2), (-2, 2)])
    report = inspector.inspect((0.0, 0.0))
    monkeypatch.setenv("COURSE_LANG", "en")
    english = inspector.summary(report)
    assert "eigenvalues = (" in english and "\nkind: saddle point\n" in english
    monkeypatch.setenv("COURSE_LANG", "zh-Hans")
    chinese = inspector.summary(report)
    assert "特征值 = (" in chinese and "\n种类：鞍点\n" in chinese and "二次模型：" in chinese
    assert chinese.split("\n")[0] == english.split("\n")[0]  # numbers are the same


def test_progress_bar_words(monkeypatch) -> None:
    monkeypatch.setenv("COURSE_LANG", "zh-Hans")
    box, progress = widget_progress()
    bar, label = box.children
    progress("gradient descent (3 networks, 10 steps)", 1, 2)
    assert bar.description == "运行中" and label.value == "梯度下降（3 个网络，10 步）: 1/2"
    monkeypatch.setenv("COURSE_LANG", "en")
    box, progress = widget_progress()
    progress("spectra of the end points", 2, 2)
    assert box.children[0].description == "running"
    assert box.children[1].value == "spectra of the end points: 2/2"
