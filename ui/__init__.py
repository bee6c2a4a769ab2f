"""Newsdesk's Gradio chat: answers with citation links and a panel of highlighted sources.

`ui` calls rag's public API only. Submodules: `render` (chat-message HTML), `sources` (the
source and passage panels), `history` (chat messages back to plain text), `chat` (event
handlers and the "ask" API endpoint), `theme` (look), `app` (layout and launch).
"""

import os

# Before any submodule imports gradio: no usage statistics or version checks leave the machine.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

__all__ = ["build_app", "launch"]


def __getattr__(name: str) -> object:
    """`ui.build_app` and `ui.launch`, imported on first use (gradio loads slowly)."""
    if name in __all__:
        from ui import app

        return getattr(app, name)
    raise AttributeError(f"module 'ui' has no attribute {name!r}")
