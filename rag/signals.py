"""How a Newsdesk process ends on a signal: through a normal exit, so what it started (the
llama.cpp server) is stopped by its atexit handlers. Light: the `rag` command installs it first."""

from __future__ import annotations

import signal
import threading
from types import FrameType


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def exit_cleanly_on_signals() -> None:
    """Turn SIGTERM and SIGHUP (systemd, Docker, a closed terminal) into SystemExit, so atexit
    stops every server this process started (SIGINT already is: KeyboardInterrupt). Only the
    main thread may set handlers; a handler the program set itself is kept."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) in (signal.SIG_DFL, None):
            signal.signal(signum, _exit_on_signal)
