"""One module per file format, each turning a file's bytes into clean article text and metadata.

Every extractor takes the raw bytes and returns a list of `Extracted` values: one for a page, a
PDF or a Markdown/text file, one per item for a feed (.xml) or an export (.jsonl, .csv).

Source naming: a single-article file is its path relative to the corpus folder
(`world/page.html`). An item of a feed or export is that path, `#`, and the item's 1-based
position among the file's items or rows (`world.xml#3`, `export.jsonl#12`; a CSV's header row is
not counted). Positions count every item or row, so an unusable row does not renumber the ones
after it; the name stays the same as long as the file does.
"""

from __future__ import annotations

from dataclasses import dataclass


class ExtractionError(ValueError):
    """A file holds no usable article; the message says why and what to do."""


@dataclass(frozen=True)
class Extracted:
    """Clean text and the file's own metadata ("" where the file does not say)."""

    text: str
    title: str = ""
    author: str = ""
    date: str = ""
    outlet: str = ""
    url: str = ""
    item: str = ""  # the 1-based item position in a feed or export; "" for a whole file
    body_start: int = 0  # where the article body starts in `text` (after Markdown front matter)

    def metadata(self) -> dict[str, str]:
        """The non-empty metadata fields."""
        fields = {
            "title": self.title,
            "author": self.author,
            "date": self.date,
            "outlet": self.outlet,
            "url": self.url,
        }
        return {k: v for k, v in fields.items() if v}
