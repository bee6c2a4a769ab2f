"""Tiny corpora and engines for the reliability tests."""

from __future__ import annotations

from pathlib import Path

ARTICLES = {
    "bridge.txt": (
        "Springfield opens its new river bridge\n\n"
        "The mayor of Springfield, Anna Kowalski, opened the new Elm Street bridge on Monday.\n"
        "The bridge cost 12 million dollars and took two years to build.\n"
        "Commuters said the crossing now takes five minutes instead of forty.\n"
    ),
    "harvest.txt": (
        "Record wheat harvest in the Loire valley\n\n"
        "Farmers in the Loire valley brought in a record wheat harvest of 4.2 million tonnes.\n"
        "Agronomist Pierre Duval credited the mild spring and the late summer rains.\n"
        "Export prices for French wheat fell by eight percent as a result.\n"
    ),
    "orchestra.txt": (
        "City orchestra names a new conductor\n\n"
        "The Riverside Symphony Orchestra named Keiko Tanaka its principal conductor on Friday.\n"
        "Tanaka, 41, previously led the Osaka Philharmonic for six years.\n"
        "Her first season opens in October with Mahler's Second Symphony.\n"
    ),
}
BRIDGE_QUESTION = "Who opened the new Elm Street bridge in Springfield?"


def write_articles(folder: Path, articles: dict[str, str] = ARTICLES) -> Path:
    """`folder` holding `articles` ({file name: text}), UTF-8."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
