"""Errors the public API raises; each message says what was wrong and what to do."""


class RagError(Exception):
    """Base of every Newsdesk error."""


class QuestionError(RagError, ValueError):
    """The question cannot be asked as given (empty, too long)."""


class IndexWriteError(RagError):
    """Writing the index failed (a full disk, a read-only folder); `rag index` resumes it."""


class IndexMissingError(RagError):
    """A question was asked before the corpus was indexed; `rag index` builds the index."""
