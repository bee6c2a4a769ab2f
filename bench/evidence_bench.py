"""Evidence coverage without generating: does what the generator is shown hold the key facts?

For every answerable eval question it runs the chain's own steps (condense without a model,
retrieve, gather evidence) and reports the share of questions whose key facts all occur in the
retrieved passages and in the evidence shown, with the evidence's words, on the fit half (odd
question numbers) and the test half (even ones), overall and by type.

    .venv/bin/python -m bench.evidence_bench                       # the configured settings
    .venv/bin/python -m bench.evidence_bench --set words=200 --set context_weight=0.5
    .venv/bin/python -m bench.evidence_bench --grid words=150,170,200 articles=2,3
"""

from __future__ import annotations

import argparse
import itertools
from collections import defaultdict
from typing import Any

import rag
from evals.dataset import load_items
from evals.metrics import facts_found, mean
from rag.answering import AnswerChain
from rag.config import EvidenceSettings, Settings
from rag.evidence import choose_evidence, sentence_rows


def half(item_id: str) -> str:
    """fit for odd question numbers, test for even ones."""
    return "fit" if int(item_id.lstrip("q")) % 2 else "test"


def prepare(chain: AnswerChain, items: list) -> list[dict[str, Any]]:
    """Retrieve once per question: (item, query, vector, passages)."""
    prepared = []
    for item in items:
        query = chain.condense(item.question, list(item.history) or None, None)
        vector, passages = chain.retrieve(query)
        rows = sentence_rows(chain.engine.sentences, passages)
        prepared.append(
            {"item": item, "query": query, "vector": vector, "passages": passages, "rows": rows}
        )
    return prepared


def measure(chain: AnswerChain, prepared: list[dict[str, Any]], cfg: EvidenceSettings) -> dict:
    """Coverage of passages and evidence, evidence words, and the share of each question's
    articles the evidence shows (its gold sources), by half and by type."""
    groups: dict[str, list[tuple[float, float, int, float]]] = defaultdict(list)
    for p in prepared:
        item = p["item"]
        evidence = choose_evidence(p["query"], p["vector"], p["rows"], cfg)
        shown = "\n".join(e.text for e in evidence)
        psg = float(all(facts_found(item.key_facts, "\n".join(x.text for x in p["passages"]))))
        evi = float(all(facts_found(item.key_facts, shown)))
        words = sum(len(e.text.split()) for e in evidence)
        gold = set(item.sources)
        articles = len(gold & {e.source for e in evidence}) / len(gold) if gold else 1.0
        for key in ("all", half(item.id), f"type:{item.type}"):
            groups[key].append((psg, evi, words, articles))
    return {
        key: {
            "n": len(rows),
            "passage": mean(r[0] for r in rows),
            "evidence": mean(r[1] for r in rows),
            "words": mean(r[2] for r in rows),
            "articles": mean(r[3] for r in rows),
        }
        for key, rows in sorted(groups.items())
    }


def _parse(pairs: list[str]) -> dict[str, list[str]]:
    out = {}
    for pair in pairs:
        name, _, values = pair.partition("=")
        out[name] = values.split(",")
    return out


def main(argv: list[str] | None = None) -> None:
    """Print coverage for the configured evidence settings, or for every grid point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=[], help="name=value override")
    parser.add_argument("--grid", nargs="*", default=[], help="name=v1,v2 ... grid search")
    parser.add_argument("--types", action="store_true", help="also print by question type")
    args = parser.parse_args(argv)
    settings = Settings(llm="none")
    engine = rag.configure(settings)
    chain = AnswerChain(engine, generator=None)
    items = [i for i in load_items() if i.answerable and i.key_facts]
    prepared = prepare(chain, items)
    base = settings.evidence.model_dump()
    base.update({k: v[0] for k, v in _parse(args.set).items()})
    grid = _parse(args.grid)
    names = list(grid)
    print(
        "setting | passage cov | evidence cov fit | evidence cov test | ratio test | words"
        " | articles shown"
    )
    for values in itertools.product(*(grid[n] for n in names)) if names else [()]:
        cfg = EvidenceSettings(**{**base, **dict(zip(names, values, strict=True))})
        result = measure(chain, prepared, cfg)
        label = ", ".join(f"{n}={v}" for n, v in zip(names, values, strict=True)) or "configured"
        a, f, t = result["all"], result["fit"], result["test"]
        ratio = t["evidence"] / t["passage"] if t["passage"] else float("nan")
        print(
            f"{label} | {a['passage']:.3f} | {f['evidence']:.3f} | {t['evidence']:.3f} | "
            f"{ratio:.3f} | {a['words']:.0f} | {a['articles']:.3f}"
        )
        if args.types:
            for key, r in result.items():
                if key.startswith("type:"):
                    print(
                        f"    {key[5:]:14} n={r['n']:2} psg {r['passage']:.2f} "
                        f"evid {r['evidence']:.2f} words {r['words']:.0f} "
                        f"articles {r['articles']:.2f}"
                    )


if __name__ == "__main__":
    main()
