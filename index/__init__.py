"""The write side of Newsdesk: load -> clean -> chunk -> embed -> Chroma (+ keyword index).

Nothing here imports `rag`; callers pass every setting explicitly.
"""
