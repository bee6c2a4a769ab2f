"""The conversations of the load benchmark: eval-set questions, their follow-ups and changes of
topic, spread so that consecutive users ask about different articles (bench/load_bench.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evals.dataset import load_items

# The eval set's follow-ups used, each asked after the question of its history (q060 is left
# out: the extractive backend answers its first question from another article).
MULTI_TURN = ["q014", "q015", "q028", "q029", "q044", "q045", "q061", "q062", "q079", "q080"]
# Follow-ups that only make sense after the eval question they follow: the answer must come from
# that question's article, so it is resolved against the user's own history.
FOLLOW_UPS = {
    "q001": "Where were the others still going to meet after that?",
    "q016": "Who said so, and after which call?",
    "q046": "What does he expect Russia to do next?",
    "q063": "What time was it when that happened?",
    "q031": "How many supporters does their bill have?",
    "q012": "Why does he say that is impossible?",
    "q070": "When was he asked that?",
    "q057": "Which regions are those?",
    "q032": "What did Gorka expect from a Trump-Putin meeting?",
    "q064": "At what time did he say it?",
}
# For the slow local model: four conversations about four different articles, each fact found in
# one article only, so an answer cites its own question's article or refuses.
LOCAL_CONVERSATIONS = ["q014", "q045", "q061", "q079"]
# A third turn on another article: a change of topic must not stick to the previous one.
TOPIC_CHANGES = ["q058", "q042", "q076", "q022", "q013", "q056", "q036", "q040", "q071", "q048"]


@dataclass(frozen=True)
class Turn:
    """One question of a conversation and the articles its answer must come from."""

    question: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Conversation:
    """One user's questions, asked in order, each with the history of the ones before."""

    user: int
    turns: tuple[Turn, ...]


def conversation_pool(only: list[str] | None = None) -> list[tuple[Turn, ...]]:
    """Every distinct conversation (or those starting from the eval ids in `only`): the eval
    set's follow-ups asked after the question of their history, then eval questions with a
    follow-up and a change of topic."""
    by_id = {item.id: item for item in load_items()}
    pool: list[tuple[Turn, ...]] = []
    for item in (by_id[i] for i in MULTI_TURN if not only or i in only):
        sources = tuple(item.sources)
        pool.append((Turn(item.history[0]["content"], sources), Turn(item.question, sources)))
    for (first, follow_up), change in zip(FOLLOW_UPS.items(), TOPIC_CHANGES, strict=True):
        if only and first not in only:
            continue
        sources = tuple(by_id[first].sources)
        pool.append(
            (
                Turn(by_id[first].question, sources),
                Turn(follow_up, sources),
                Turn(by_id[change].question, tuple(by_id[change].sources)),
            )
        )
    return pool


def conversations(users: int, turns: int = 3, only: list[str] | None = None) -> list[Conversation]:
    """`users` conversations of at most `turns` turns, spread over the articles: consecutive
    users ask about different articles, so a crossed answer cites the wrong one."""
    pool = conversation_pool(only)
    if users > len(pool):
        raise ValueError(f"{users} users, but only {len(pool)} distinct conversations exist.")
    by_article: dict[str, list[tuple[Turn, ...]]] = {}
    for conversation in pool:
        by_article.setdefault(conversation[0].sources[0], []).append(conversation)
    spread = [c for group in round_robin(list(by_article.values())) for c in group]
    return [Conversation(n, turns_[:turns]) for n, turns_ in enumerate(spread[:users])]


def round_robin(groups: list[list[Any]]) -> list[list[Any]]:
    """Round-robin rows: the first of every group, then the second of every group, ..."""
    depth = max(len(g) for g in groups)
    return [[g[i] for g in groups if i < len(g)] for i in range(depth)]
