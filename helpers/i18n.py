"""The course's languages: which edition a kernel runs, and messages in that language.

The English and Chinese notebooks share their code cells byte for byte, so the language is
never written in code. ``language()`` picks it, in this order:

1. the environment variable ``COURSE_LANG`` (``en``, ``zh-Hans`` or ``zh-Hant``);
2. the kernel's working directory: Jupyter, nbval and ``tools.execute`` start the kernel in
   the notebook's folder, so a kernel in ``notebooks/zh-Hans/`` speaks Simplified Chinese;
3. ``JPY_SESSION_NAME`` (the notebook path that jupyter-server gives the kernel);
4. English.

``localize(text, table)`` rewrites an English message with an ordered table of
``(regex, Chinese replacement)`` pairs (Simplified Chinese); the Traditional edition is the
same text through OpenCC (``s2twp``: Taiwan standard with Taiwan phrases) plus the course's
own term choices ``TAIWAN_TERMS``, the one converter the build of the notebooks uses too.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

ENGLISH, SIMPLIFIED, TRADITIONAL = "en", "zh-Hans", "zh-Hant"
LANGUAGES = (ENGLISH, SIMPLIFIED, TRADITIONAL)
ENV_VAR = "COURSE_LANG"

# Course terms where OpenCC's Taiwan phrases pick the computing sense, not the mathematical
# one (局部 → 區域性, 參數 → 引數, 函數 → 函式): Traditional text → the Taiwan textbook word.
TAIWAN_TERMS: Mapping[str, str] = {
    "局部": "局部",
    "參數": "參數",
    "函數": "函數",
    "最優化": "最佳化",
    "優化器": "最佳化器",
    "默認": "預設",
    "打印出": "印出",
    "打印": "印出",
    "類型": "類型",  # not 型別 (a programming type)
    "全局": "全域",  # 全域極小值, not 全域性
    "計算機": "電腦",  # 計算機 is a calculator in Taiwan
    "舍入": "捨入",  # the glossary's 捨入誤差
    "支持": "支持",  # not 支援 (technical support)
    "噪聲": "雜訊",
    "正態": "常態",
    "蒙特卡洛": "蒙地卡羅",
    "數據集": "資料集",
    "幻燈片": "投影片",
    "滑塊": "滑桿",
    "腳本": "腳本",  # not 指令碼
    "文本框": "輸入框",
}

# Simplified phrases OpenCC must keep as one segment so that TAIWAN_TERMS can see them.
SEGMENTS = ("打印出", "计算机", "数据集")

Table = Sequence[tuple[str, str]]

# The kinds of points as helpers print them (verdicts), in the glossary's words. Views apply
# it after their own sentences, so "degenerate → local minimum" becomes "退化 → 局部极小值".
KIND_TABLE: Table = (
    (r"\bnot smooth here \(no second-order test\)", "此处不光滑（无法做二阶检验）"),
    (r"\bdegenerate critical point\b", "退化临界点"),
    (r"\bsaddle point\b", "鞍点"),
    (r"\blocal minimum\b", "局部极小值"),
    (r"\blocal maximum\b", "局部极大值"),
    (r"\bnot critical\b", "非临界点"),
    (r"\bundetermined\b", "无法判定"),
    (r"\bdegenerate\b", "退化"),
)
CATALOGUES = Path(__file__).resolve().parents[1] / "translations" / SIMPLIFIED


def _from_path(path: str) -> str | None:
    """The language named by a folder of ``path`` (``.../zh-Hans/...``), else None."""
    parts = re.split(r"[\\/]", path)
    for lang in (SIMPLIFIED, TRADITIONAL):
        if lang in parts:
            return lang
    return None


def language(cwd: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language of this kernel: ``en``, ``zh-Hans`` or ``zh-Hant`` (see the module doc)."""
    env = os.environ if environ is None else environ
    chosen = env.get(ENV_VAR, "").strip()
    if chosen:
        if chosen not in LANGUAGES:
            raise ValueError(f"{ENV_VAR}={chosen!r} is not a course language; use one of "
                             f"{', '.join(LANGUAGES)}")
        return chosen
    here = os.getcwd() if cwd is None else cwd
    return _from_path(here) or _from_path(env.get("JPY_SESSION_NAME", "")) or ENGLISH


def is_chinese(lang: str | None = None) -> bool:
    """True for both Chinese editions."""
    return (language() if lang is None else lang) in (SIMPLIFIED, TRADITIONAL)


@functools.lru_cache(maxsize=1)
def _converter():
    """OpenCC s2twp with the course's Taiwan terms first in its Taiwan-phrase step."""
    import opencc

    share = Path(opencc.__file__).parent / "clib" / "share" / "opencc"
    config = json.loads((share / "s2twp.json").read_text(encoding="utf-8"))

    def absolute(node):
        if isinstance(node, dict):
            if "file" in node:
                node["file"] = str(share / node["file"])
            for value in node.values():
                absolute(value)
        elif isinstance(node, list):
            for value in node:
                absolute(value)

    absolute(config)
    words = "".join(f"{a}\t{b}\n" for a, b in TAIWAN_TERMS.items())
    whole = "".join(f"{s}\t{s}\n" for s in SEGMENTS)
    key = hashlib.sha256((json.dumps(config) + words + whole).encode("utf-8")).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"course-opencc-{key}"  # reused by every kernel
    folder.mkdir(exist_ok=True)
    terms, segments = folder / "course_terms.txt", folder / "course_segments.txt"
    config["conversion_chain"][1]["dict"]["dicts"].insert(0, {"type": "text", "file": str(terms)})
    config["segmentation"]["dict"]["dicts"].append({"type": "text", "file": str(segments)})
    path = folder / "s2twp_course.json"
    for file, text in ((terms, words), (segments, whole), (path, json.dumps(config))):
        if not file.exists() or file.read_text(encoding="utf-8") != text:
            partial = file.with_name(f"{file.name}.{os.getpid()}")
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, file)  # atomic: kernels running in parallel never see half
    return opencc.OpenCC(str(path))


def to_traditional(text: str) -> str:
    """Simplified → Traditional Chinese (Taiwan usage) with OpenCC and the course's terms."""
    return _converter().convert(text)


def localize(text: str, table: Table, lang: str | None = None) -> str:
    """``text`` in the kernel's language: English unchanged, else ``table`` applied in order."""
    lang = language() if lang is None else lang
    if lang == ENGLISH:
        return text
    for pattern, replacement in table:
        text = re.sub(pattern, replacement, text)
    return to_traditional(text) if lang == TRADITIONAL else text


def phrase(text: str, phrases: Mapping[str, str], lang: str | None = None) -> str:
    """One whole English phrase looked up in ``phrases`` (Simplified); unknown ones unchanged."""
    lang = language() if lang is None else lang
    if lang == ENGLISH or text not in phrases:
        return text
    zh = phrases[text]
    return to_traditional(zh) if lang == TRADITIONAL else zh


@functools.lru_cache(maxsize=1)
def catalogue_phrases() -> dict[str, str]:
    """The translated strings of the notebooks' code (hints): ``translations/zh-Hans/*.yaml``,
    section ``strings``; empty when the catalogues or PyYAML are not there."""
    try:
        import yaml
    except ImportError:
        return {}
    phrases: dict[str, str] = {}
    for path in sorted(CATALOGUES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("strings") or []:
            if entry.get("zh"):
                phrases[entry["en"]] = entry["zh"]
    return phrases
