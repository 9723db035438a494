"""The Chinese editions stay in step with the English notebooks (tools/translate.py).

- every markdown cell has a translation made from the English it has *now* (a hash of the
  English is stored with each translation: a changed English cell is "stale");
- the Chinese notebooks' code cells are the English ones, byte for byte;
- each edition is what the build makes from the catalogue; zh-Hant is exactly the OpenCC
  conversion of zh-Hans (prose and outputs), and its term choices follow the glossary;
- LaTeX, code blocks and links survive translation; helpers' feedback speaks Chinese there.
"""

from __future__ import annotations

import copy
import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import nbformat
import pytest

from helpers import i18n
from tools import translate

ENGLISH = translate.english_notebooks()
EDITIONS = translate.EDITIONS
FENCE = re.compile(r"```.*?```", re.S)
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def edition(notebook: Path, lang: str):
    path = translate.edition_path(notebook, lang)
    if not path.exists():
        pytest.fail(f"{path.relative_to(translate.ROOT)} is missing: translate "
                    f"{translate.catalogue_path(notebook).name} and run "
                    "`python -m tools.translate build`, then tools.execute on both editions")
    return nbformat.read(path, as_version=4)


def _listing(problems) -> str:
    return "\n".join(str(p) for p in problems)


@pytest.mark.parametrize("notebook", ENGLISH, ids=[p.stem for p in ENGLISH])
def test_every_cell_translated_and_current(notebook):
    """No markdown cell or code string lacks a translation or has a stale one."""
    found = translate.problems(notebook)
    assert not found, (
        f"{len(found)} translation problem(s) in {translate.catalogue_path(notebook).name} "
        "(stale: the English changed after its translation — revise `zh`, then `python -m "
        f"tools.translate accept {notebook.stem[:2]} <cell id>`):\n{_listing(found)}")


@pytest.mark.parametrize("lang", EDITIONS)
@pytest.mark.parametrize("notebook", ENGLISH, ids=[p.stem for p in ENGLISH])
def test_code_cells_are_the_english_ones(notebook, lang):
    """Same code cells, same order, same ids, same source, byte for byte."""
    english = nbformat.read(notebook, as_version=4)
    chinese = edition(notebook, lang)
    want = [(c.id, c.source) for c in english.cells if c.cell_type == "code"]
    got = [(c.id, c.source) for c in chinese.cells if c.cell_type == "code"]
    differ = [i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b]
    assert len(want) == len(got) and not differ, (
        f"{lang}/{notebook.name}: code cells differ from the English notebook at "
        f"{[want[i][0] if i < len(want) else got[i][0] for i in differ] or 'the count'} — "
        "run `python -m tools.translate build` and re-execute (never edit code by hand)")


@pytest.mark.parametrize("lang", EDITIONS)
@pytest.mark.parametrize("notebook", ENGLISH, ids=[p.stem for p in ENGLISH])
def test_edition_is_the_build(notebook, lang):
    """Prose, cell order and metadata are what the build makes from the catalogue now
    (zh-Hant: the OpenCC conversion of zh-Hans); outputs aside."""
    english = nbformat.read(notebook, as_version=4)
    chinese = edition(notebook, lang)
    data = translate.load_catalogue(notebook)
    try:
        rebuilt = translate.build_edition(english, data, lang, chinese, notebook.name)
    except ValueError as exc:
        pytest.fail(str(exc))
    stale = [c.id for c, r in zip(chinese.cells, rebuilt.cells, strict=False)
             if (c.cell_type, c.source, c.metadata) != (r.cell_type, r.source, r.metadata)]
    assert len(chinese.cells) == len(rebuilt.cells) and not stale, (
        f"{lang}/{notebook.name} is not the current build (cells {stale}): run "
        "`python -m tools.translate build`")
    assert chinese.metadata.get("language") == lang


def _text_outputs(cell) -> list:
    keep = []
    for output in cell.get("outputs", []):
        output = copy.deepcopy(dict(output))
        output.pop("execution_count", None)
        keep.append(output)
    return keep


@pytest.mark.parametrize("notebook", ENGLISH, ids=[p.stem for p in ENGLISH])
def test_traditional_outputs_are_the_converted_simplified_ones(notebook):
    """zh-Hant's executed outputs equal zh-Hans's through OpenCC: the two editions run the
    same code, so strict nbval of one edition vouches for the other."""
    hans, hant = edition(notebook, i18n.SIMPLIFIED), edition(notebook, i18n.TRADITIONAL)
    differ = []
    for a, b in zip(hans.cells, hant.cells, strict=True):
        if a.cell_type != "code":
            continue
        converted = nbformat.reads(i18n.to_traditional(nbformat.writes(
            nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=a.outputs)]))),
            as_version=4).cells[0].outputs
        if _text_outputs({"outputs": converted}) != _text_outputs(b):
            differ.append(a.id)
    assert not differ, f"{notebook.name}: zh-Hant outputs are not zh-Hans's converted: {differ}"


@pytest.mark.parametrize("notebook", ENGLISH, ids=[p.stem for p in ENGLISH])
def test_code_blocks_maths_and_links_survive(notebook):
    """Fenced code, $maths$ and link targets of each translated cell are the English ones."""
    english = translate.units(nbformat.read(notebook, as_version=4))
    bad = []
    for entry in translate.load_catalogue(notebook)["cells"]:
        en, zh = english.get(entry["id"], ""), entry.get("zh") or ""
        for pattern in (FENCE, MATH, LINK):
            if zh and sorted(pattern.findall(en)) != sorted(pattern.findall(zh)):
                bad.append(f"{entry['id']} ({pattern.pattern[:12]})")
    assert not bad, f"{notebook.name}: code, maths or links changed in translation: {bad}"


def test_notebook_00_links_the_other_editions():
    start = ENGLISH[0]
    for lang in EDITIONS:
        cell = next(c for c in edition(start, lang).cells if c.id == translate.LINKS_ID)
        targets = LINK.findall(cell.source)
        others = [code for code in ("en", *EDITIONS) if code != lang]
        assert len(targets) == len(others), cell.source
        for target in targets:
            assert (translate.NOTEBOOKS / lang / target).resolve().exists(), target


# Taiwan usage of the glossary (translations/glossary.md): what zh-Hant must say, and the
# OpenCC choices the course overrides (computing senses of local / parameter / function).
TAIWAN = {
    "鞍点": "鞍點", "海森矩阵": "海森矩陣", "特征值": "特徵值", "特征向量": "特徵向量",
    "临界点": "臨界點", "局部极小值": "局部極小值", "参数": "參數", "函数": "函數",
    "优化": "最佳化", "最优化": "最佳化", "学习率": "學習率", "批量": "批次", "动量": "動量",
    "泰勒级数": "泰勒級數", "运行": "執行", "梯度下降": "梯度下降", "打印出": "印出",
    "一阶导数构成的向量": "一階導數構成的向量", "点的类别": "點的類別", "指标": "指標",
}
# ... and OpenCC's wrong segmentations or computing senses a native review found (the zh-Hans
# text is worded so that they cannot occur): 数组成 → 陣列成, 导出 → 匯出, 类型 → 型別,
# 计算机 (a calculator in Taiwan), 打印, 复制 → 復制, 窗口 → 視窗, 里 → 格里, 进程 → 程序,
# 支持 → 支援.
NEVER_IN_TAIWAN_TEXT = ("區域性", "引數", "函式", "最最佳化", "最優化", "列印", "陣列成",
                        "導陣列", "推匯出", "型別", "計算機", "打印", "復制", "視窗", "格里",
                        "加快程序", "支援", "全域性", "舍入", "噪聲", "數據集", "指令碼", "滑塊")


def test_taiwan_term_choices():
    for hans, hant in TAIWAN.items():
        assert i18n.to_traditional(hans) == hant, (hans, i18n.to_traditional(hans))
    found = []
    for notebook in ENGLISH:
        path = translate.edition_path(notebook, i18n.TRADITIONAL)
        if path.exists():
            text = path.read_text(encoding="utf-8")
            found += [(notebook.name, w) for w in NEVER_IN_TAIWAN_TEXT if w in text]
    assert not found, f"zh-Hant uses words the glossary rules out: {found}"


def test_every_notebook_has_both_editions():
    missing = [f"{lang}/{p.name}" for p in ENGLISH for lang in EDITIONS
               if not translate.edition_path(p, lang).exists()]
    assert not missing, f"Chinese editions not built yet: {missing}"


# ------------------------------------------------------------------ the machinery itself


def _tiny():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title", id="t"),
                nbformat.v4.new_code_cell('check(1, 1, hint="look closer")', id="c")]
    data = {"notebook": "99_tiny.ipynb",
            "cells": [{"id": "t", "hash": translate.source_hash("# Title"), "en": "# Title",
                       "zh": "# 标题"}],
            "strings": [{"en": "look closer", "zh": "再仔细看看"}]}
    return nb, data


def test_stale_missing_and_orphaned_translations_are_reported():
    nb, data = _tiny()
    path = Path("99_tiny.ipynb")
    assert translate.problems(path, nb, data) == []
    nb.cells[0].source = "# A new title"
    stale = translate.problems(path, nb, data)
    assert [p.kind for p in stale] == ["stale"] and "+# A new title" in stale[0].detail
    nb.cells.append(nbformat.v4.new_markdown_cell("More", id="m"))
    data["strings"].append({"en": "gone", "zh": "没了"})
    kinds = sorted((p.kind, p.key) for p in translate.problems(path, nb, data))
    assert kinds == [("missing", "m"), ("orphan", "string 'gone'"), ("stale", "t")]


def test_build_copies_code_and_refuses_missing_translations():
    nb, data = _tiny()
    built = translate.build_edition(nb, data, i18n.TRADITIONAL, name="99_tiny.ipynb")
    assert built.cells[0].source == "# 標題" and built.cells[1].source == nb.cells[1].source
    data["cells"] = []
    with pytest.raises(ValueError, match="cell t has no translation"):
        translate.build_edition(nb, data, i18n.SIMPLIFIED, name="99_tiny.ipynb")


def test_language_detection():
    assert i18n.language(cwd="/x/notebooks/zh-Hans", environ={}) == "zh-Hans"
    assert i18n.language(cwd="/x/notebooks", environ={}) == "en"
    assert i18n.language(cwd="/x", environ={"JPY_SESSION_NAME": "/r/notebooks/zh-Hant/01.ipynb"}
                         ) == "zh-Hant"
    assert i18n.language(cwd="/x/zh-Hans", environ={"COURSE_LANG": "en"}) == "en"
    with pytest.raises(ValueError, match="not a course language"):
        i18n.language(environ={"COURSE_LANG": "fr"})


def _printed(monkeypatch, lang: str, call) -> str:
    monkeypatch.setenv("COURSE_LANG", lang)
    out = io.StringIO()
    with redirect_stdout(out):
        call()
    return out.getvalue()


FEEDBACK_CASES = [
    (..., 1), (1, 1), (2, 1), (-1, 1), ([1, 2], [1, 2, 3]), ([[1, 2], [3, 4]], [[1, 3], [2, 4]]),
    ("saddle", "local minimum"), ("foo", "local minimum"), (None, 1), ("1", 1),
    ([1, 2, 4, 4], [1, 2, 3, 4]), ("yes", False), (["a"], ["a", "b"]), ({1}, [1, 2]),
    ([1, 2, 3], [[1, 0], [0, 1]]), (print, 1),
]
ENGLISH_WORDS = re.compile(r"\b(your|answer|expected|Correct|Not yet|Exercise|Hint|wrong|"
                           r"the|is|are|of|not)\b")


@pytest.mark.parametrize("answer, expected", FEEDBACK_CASES)
def test_check_feedback_speaks_chinese(monkeypatch, answer, expected):
    from helpers import check

    def call():
        check(answer, expected, name="Exercise 2")

    english = _printed(monkeypatch, "en", call)
    hans = _printed(monkeypatch, "zh-Hans", call)
    hant = _printed(monkeypatch, "zh-Hant", call)
    assert "Exercise 2" in english and "练习 2" in hans and "練習 2" in hant
    leftover = ENGLISH_WORDS.findall(re.sub(r"'[^']*'|`[^`]*`", "", hans))
    assert not leftover, f"untranslated words {leftover} in: {hans}"
    assert hant == i18n.to_traditional(hans)


def test_hints_from_the_catalogue(monkeypatch):
    from helpers import check

    phrases = i18n.catalogue_phrases()
    if not phrases:
        pytest.skip("no translated code strings yet")
    english, chinese = next(iter(phrases.items()))
    out = _printed(monkeypatch, "zh-Hans", lambda: check(2, 1, name="Exercise 1", hint=english))
    assert chinese in out


def test_launch_badges_point_at_the_edition():
    nb, data = _tiny()
    badge = nbformat.v4.new_markdown_cell("[![Open In Colab](x)](notebooks/99_tiny.ipynb)",
                                          id=translate.LAUNCH_TAG)
    badge.metadata["tags"] = [translate.LAUNCH_TAG]
    nb.cells.insert(1, badge)
    assert translate.problems(Path("99_tiny.ipynb"), nb, data) == []  # nothing to translate
    built = translate.build_edition(nb, data, i18n.TRADITIONAL, name="99_tiny.ipynb")
    assert "notebooks%2Fzh-Hant%2F99_tiny.ipynb" in built.cells[1].source


def test_every_exercise_case_text_has_a_translation():
    """Case labels, case hints and notes of the write-it-yourself exercises (cases_zh)."""
    from helpers.exercises.cases_zh import CASES_ZH
    from helpers.exercises.catalogue import FUNCTION_EXERCISES

    texts = {t for spec in FUNCTION_EXERCISES.values()
             for t in [spec.expected_note, *(x for c in spec.cases for x in (c.label, c.hint))]
             if t}
    missing, orphans = sorted(texts - set(CASES_ZH)), sorted(set(CASES_ZH) - texts)
    assert not missing and not orphans, (
        f"helpers/exercises/cases_zh.py: untranslated {missing}; no longer used {orphans}")
