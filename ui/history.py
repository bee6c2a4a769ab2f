"""Chat messages back to the plain-text history that rag.ask_stream understands."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from ui.render import CHROME, ERROR_CLASS, STREAMING_CLASS

_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "area", "col", "embed"}


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, leaving out decorative (CHROME) elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0  # > 0 while inside a CHROME element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        if tag in _VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        if self._skip_depth or CHROME in classes:
            self._skip_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth and tag not in _VOID:
            self._skip_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def strip_html(fragment: str) -> str:
    """The visible text of an HTML fragment (entities decoded, decoration left out)."""
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts).strip()


def message_text(content: Any) -> str:
    """The HTML/text of a chat message's content: a str or Gradio's list of content blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", ""))
    if isinstance(content, list):
        return "\n".join(message_text(item) for item in content if message_text(item))
    return ""


def _failed(raw: str) -> bool:
    return f'class="{ERROR_CLASS}"' in raw or f'class="{STREAMING_CLASS}"' in raw


def plain_history(messages: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    """The conversation as [{"role", "content"}] plain text, without the HTML the UI added.

    A turn that ended in an error (or was interrupted while streaming) is left out, question
    and all, so a follow-up is read against the answers the user actually got.
    """
    history: list[dict[str, str]] = []
    for message in messages or []:
        role = message.get("role")
        if role not in ("user", "assistant"):
            continue
        raw = message_text(message.get("content"))
        if role == "assistant" and _failed(raw):
            if history and history[-1]["role"] == "user":
                history.pop()
            continue
        text = strip_html(raw)
        if text:
            history.append({"role": str(role), "content": text})
    return history
