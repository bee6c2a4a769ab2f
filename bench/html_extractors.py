"""Compare HTML extractors on the hand-written news fixtures: expected spans found, boilerplate
strings leaked, milliseconds per page. Reproduce: `.venv/bin/python bench/html_extractors.py`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import justext
import trafilatura

from index.formats.html import extract_html

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "news"


def _trafilatura(precision: bool) -> Callable[[bytes], str]:
    def run(raw: bytes) -> str:
        return trafilatura.extract(raw, favor_precision=precision, include_comments=False) or ""

    return run


def _justext(raw: bytes) -> str:
    paragraphs = justext.justext(raw, justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


EXTRACTORS: dict[str, Callable[[bytes], str]] = {
    "newsdesk (trafilatura precision + line cleaning)": lambda raw: extract_html(raw, "")[0].text,
    "trafilatura favor_precision": _trafilatura(True),
    "trafilatura default": _trafilatura(False),
    "justext (English stoplist)": _justext,
}


def main() -> None:
    """Print one row per extractor."""
    expected = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
    pages = {n: (FIXTURES / n).read_bytes() for n in expected if n.endswith(".html")}
    print(f"{len(pages)} pages; {sum(len(e['spans']) for e in expected.values())} spans")
    print(f"{'extractor':52} {'spans found':>12} {'boilerplate leaked':>19} {'ms/page':>8}")
    for label, run in EXTRACTORS.items():
        found = leaked = spans = strings = 0
        run(next(iter(pages.values())))  # warm up (imports, caches) outside the timing
        started = time.perf_counter()
        for name, raw in pages.items():
            text = run(raw)
            spans += len(expected[name]["spans"])
            strings += len(expected[name]["boilerplate"])
            found += sum(s in text for s in expected[name]["spans"])
            leaked += sum(b in text for b in expected[name]["boilerplate"])
        ms = (time.perf_counter() - started) * 1000 / len(pages)
        print(f"{label:52} {found:>5}/{spans:<6} {leaked:>10}/{strings:<8} {ms:>8.1f}")


if __name__ == "__main__":
    main()
