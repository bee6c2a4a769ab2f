"""The question's rare names: people, places and outlets the corpus mentions in few passages.

"Which think tank is Tatiana Stanovaya with?": the name occurs in one chunk of the corpus, BM25
ranks that chunk second, but neither vector ranking has it in its top 12 (the small embedding
model reads "Stanovaya" as "Snegovaya"), so reciprocal-rank fusion leaves it out of the top 5.
A name that rare is what the question is about: its best chunk takes the last of the top-k
places when no chunk holding it is there already (rag/retrieval.py), and a sentence holding a
name that few of the retrieved passages hold is chosen more readily for the evidence (a bonus
that is no part of its score: rag/evidence.py, `name_bonus`). Names are the question's
capitalised words after its first, possessives cut; words in capitals ("REALLY BAD") and words
of two letters or less ("US", "JD", "X") are not taken as names.
"""

from __future__ import annotations

import re

from index.keyword import KeywordIndex, tokenize

_WORD = re.compile(r"[\w’']+")
_POSSESSIVE = re.compile(r"[’']s?$")


RARE_NAME_CHUNKS = 2  # a name held by at most this many chunks (or 1% of them) is a rare one


def rare_limit(chunks: int) -> int:
    """The most chunks of a corpus of `chunks` that may hold a rare name's token."""
    return max(RARE_NAME_CHUNKS, chunks // 100)


def rare_token(keyword: KeywordIndex, token: str) -> bool:
    """Whether some chunk of the corpus, and at most `rare_limit` of them, hold `token`."""
    return 0 < len(keyword.holding(token)) <= rare_limit(len(keyword.ids))


def name_groups(question: str, *, skip_first: bool = True) -> list[list[str]]:
    """The keyword tokens of the question's names, one list per run of capitalised words after
    the first word ("Sergey Lavrov" is one name of two tokens), in order. `skip_first=False`
    reads the first word too (an answer may open with a name: "Medinsky led ...")."""
    groups: list[list[str]] = []
    run: list[str] = []
    for word in _WORD.findall(question)[1 if skip_first else 0 :]:
        word = _POSSESSIVE.sub("", word).lstrip("'’")
        if len(word) <= 2 or not word[0].isupper() or word.isupper():
            if run:
                groups.append(run)
            run = []
            continue
        run.extend(t for t in tokenize(word) if t not in run)
    if run:
        groups.append(run)
    return groups


def rare_in(names: list[str], texts: list[set[str]]) -> set[str]:
    """The names that occur in at least one and at most a third (at least one) of `texts`, each
    given as its keyword tokens."""
    most = max(1, len(texts) // 3)
    return {n for n in names if 0 < sum(n in t for t in texts) <= most}


def names_held(groups: list[list[str]], rare: set[str], words: set[str], seen: set[str]) -> bool:
    """Whether `words` hold a rare token of a name together with the name's last token that
    occurs in `seen` (the retrieved text; its surname, as the corpus spells it): "Sergey Shoigu"
    does not hold "Sergey Lavrov", though "sergey" is the rare one."""
    for group in groups:
        present = [t for t in group if t in seen]
        if present and present[-1] in words and rare & words & set(group):
            return True
    return False
