"""Sealed answer keys for the student edition: the code that computes an expected value is
stored compressed, so the notebook still checks answers but the answer does not show.

``seal`` is used by ``tools/editions.py``; a student-edition cell runs
``exec(answer_key("..."))``. This hides the answer from a glance, it is not encryption.
"""

from __future__ import annotations

import base64
import binascii
import zlib

_PREFIX = "key1:"


def seal(source: str) -> str:
    """The source text, compressed and base64-encoded (deterministic)."""
    packed = zlib.compress(source.encode("utf-8"), 9)
    return _PREFIX + base64.b64encode(packed).decode("ascii")


def answer_key(sealed: str) -> str:
    """The source text of a sealed answer key (the inverse of ``seal``)."""
    if not isinstance(sealed, str) or not sealed.startswith(_PREFIX):
        raise ValueError("this is not a sealed answer key: re-build the student edition")
    try:
        return zlib.decompress(base64.b64decode(sealed[len(_PREFIX):])).decode("utf-8")
    except (binascii.Error, zlib.error, UnicodeDecodeError) as exc:
        raise ValueError("this sealed answer key is damaged: re-build the student edition") from exc
