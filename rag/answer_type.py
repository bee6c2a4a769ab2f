"""Does an answer hold the kind of thing its question asks for?

A question that asks for a number ("how many", "what is the dollar value", "what time"), a date
("on what date") or a name ("what is the name of", "which senators", "at which event", "who")
is answered only by a reply that holds one the question did not already say. A small model asked
such a question that the corpus cannot answer tends to reply with a true, cited sentence from
near the topic ("The Vatican, represented by the Pope, has declared its great interest in hosting
the negotiations" for "What is the name of the Pope who offered to host ..."): the claims judge
accepts it, since its quote states it, but it does not answer. Questions of any other kind
("how did", "why", "what was agreed") are not checked.

A question that states a number ("in 2018", "the 30-day ceasefire", "on May 10") is about what
the article says near that number: an answer whose cited quotes stand nowhere near it answers
another story ("In which city did Trump and Putin meet in 2018?" answered with the 2025 talks in
Turkey, from an article that names 2018 in another paragraph). Two-part questions are exempt,
as above: the number may belong to the part the answer leaves out.

A question asking for a number, date or name about one side ("Who led the Ukrainian
delegation?") is not answered by a reply about another side's ("... to lead the Russian
delegation"): the wrong side, a failure kind of issue 10.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NUMBER, DATE, NAME = "number", "date", "name"

_NUMBER_Q = re.compile(
    r"\bhow (many|much|long|old|far|deep|wide|tall|heavy)\b"
    r"|\bwhat time\b(?! of\b| ?frames?\b| periods?\b)"
    r"|\bwhat (is |was |are |were )?(the )?(percentage|proportion|share|number|amount|sum"
    r"|figure|price|cost|(dollar )?value)\b",
    re.I,
)
_DATE_Q = re.compile(
    r"\b(on )?(what|which) (date|day|year|month)\b|\bwhen (was|is|did|does|will)\b.*\bdated?\b",
    re.I,
)
_NAME_Q = re.compile(
    r"^\W*(who|whom)\b|\bwhat (is|was|are|were) the (official |full )?(name|title)s?\b"
    r"|\bwhich (senators?|ministers?|officials?|envoys?|leaders?|presidents?|lawmakers?"
    r"|journalists?|newspapers?|outlets?|agency|agencies|think[- ]tanks?|organi[sz]ations?"
    r"|compan(y|ies)|countr(y|ies)|cit(y|ies)|regions?|news organi[sz]ations?|people|person"
    r"|events?|summits?|conferences?)\b",
    re.I,
)


def vocab(words: str) -> frozenset[str]:
    """The set of the space-separated words."""
    return frozenset(words.split())


# The words of counts and calendars, shared with the evidence step's answer-type bonus
# (rag/evidence.py), so "holds a number" means one thing in both.
NUMBER_WORDS = vocab(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred hundreds thousand thousands million millions billion billions trillion dozen "
    "dozens half quarter third twice double triple first second"
)
CALENDAR_WORDS = vocab(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday yesterday today tomorrow"
)
# Capitalised words that are not names (sentence starts, pronouns, titles in front of names).
_NOT_NAMES = vocab(
    "the a an this that these those he she it they we i his her its their our he's she's "
    "according in on at of for and but or as by with from to after before during when while "
    "mr mrs ms dr president senator minister secretary article report yes no"
)
_WORD = re.compile(r"[\w’'-]+")


# A question of two parts ("On what date ..., and who led ...?"): an answer may give one part.
_TWO_PARTS = re.compile(r"\b(and|or)\s+(who|whom|what|when|where|which|how|why)\b", re.I)


# "Who is Maria Snegovaya?" asks what a named person is (a role), not for a name.
_DESCRIBE = re.compile(r"^\W*[Ww]ho (is|was|are|were) [A-Z]")


def _two_parts(question: str) -> bool:
    return question.count("?") > 1 or bool(_TWO_PARTS.search(question))


def expected_type(question: str) -> str | None:
    """NUMBER, DATE or NAME when the question asks for one; None for any other question, and
    for one of two parts (the answer may give only the part the evidence holds)."""
    if _two_parts(question) or _DESCRIBE.search(question):
        return None
    if _DATE_Q.search(question):
        return DATE
    if _NUMBER_Q.search(question):
        return NUMBER
    if _NAME_Q.search(question):
        return NAME
    return None


def _words(text: str) -> list[str]:
    return [re.sub(r"['’]s$", "", w) for w in _WORD.findall(text)]


def _new(answer: str, question: str) -> list[str]:
    """The answer's words (original case, possessives cut) that the question does not have."""
    asked = {w.lower() for w in _words(question)}
    asked |= {part for w in asked for part in w.split("-")}  # "Graham-Blumenthal" says "Graham"
    return [w for w in _words(answer) if w.lower() not in asked]


# A count joined to a unit: "two-week", "three-year-old", "30-day"; not "one-sided",
# "first-ever" or "half-hearted".
_CARDINALS = NUMBER_WORDS - vocab("first second third half quarter double triple twice")
_UNITS = vocab(
    "second minute hour day week month year decade century old kilometre kilometer km mile "
    "metre meter percent point member seat"
)


def _count(word: str) -> bool:
    parts = word.lower().split("-")
    return (
        len(parts) > 1
        and parts[0] in _CARDINALS
        and any(p.removesuffix("s") in _UNITS for p in parts[1:])
    )


def _items(kind: str, answer: str, question: str) -> list[str]:
    """The words of `answer` that are a `kind` of thing `question` does not already say."""
    new = _new(re.sub(r"\[\d+\]", " ", answer), question)
    if kind == NUMBER:  # "two-week" and "three-year-old" are numbers too
        found = [
            w for w in new if any(c.isdigit() for c in w) or w.lower() in NUMBER_WORDS or _count(w)
        ]
    elif kind == DATE:
        found = [
            w
            for w in new
            if re.fullmatch(r"\d{1,4}(st|nd|rd|th)?", w) or w.lower() in CALENDAR_WORDS
        ]
    else:
        found = [w for w in new if w and w[0].isupper() and w.lower() not in _NOT_NAMES]
    return list(dict.fromkeys(found))


def holds(kind: str, answer: str, question: str) -> bool:
    """Whether `answer` holds a `kind` of thing that `question` does not already say."""
    return bool(_items(kind, answer, question))


def asked_items(question: str, answer: str) -> list[str]:
    """The words of `answer` that give what `question` asks for: the numbers, dates or names
    it holds that the question does not say; [] when the question asks for none of these."""
    kind = expected_type(question)
    return _items(kind, answer, question) if kind else []


# A span in double quotation marks of any kind (answers here, questions in rag/quoted.py).
QUOTED = re.compile(r"[\"“„«]([^\"“”„«»]+)[\"“”»]")
_PLAIN_WORDS = re.compile(r"\w+")


def is_verbatim(claim: str, quote: str) -> bool:
    """True when the claim's words are a contiguous run of the quote's words: a quote states
    every contiguous part of itself, so no judge is needed."""
    words = _PLAIN_WORDS.findall(claim.lower())
    text = _PLAIN_WORDS.findall(quote.lower())
    if not words:
        return False
    n = len(words)
    return any(text[i : i + n] == words for i in range(len(text) - n + 1))


def quotations(answer: str, question: str, min_words: int = 3) -> list[str]:
    """The spans `answer` puts in quotation marks, of at least `min_words` words, that the
    question does not quote itself: words the model says someone said ("No way out!")."""
    found = [
        span.strip()
        for span in QUOTED.findall(answer)
        if len(_PLAIN_WORDS.findall(span)) >= min_words and not is_verbatim(span, question)
    ]
    return list(dict.fromkeys(found))


def words_of(text: str) -> set[str]:
    """The lower-cased words of `text`, possessives cut (as the checks above read them)."""
    return {w.lower() for w in _words(text)}


def held(item: str, text: str) -> bool:
    """Whether `text` holds the asked-for `item`: the word itself or, for a compound
    ("two-week"), its parts next to each other, singular or plural ("after two weeks", not
    "two sides met for weeks")."""
    if item in words_of(text):
        return True
    parts = [re.escape(p) for p in item.split("-") if p]
    if len(parts) < 2:
        return False
    pattern = r"\b" + r"[\s-]+".join(f"{p}s?" for p in parts) + r"\b"
    return re.search(pattern, text, re.IGNORECASE) is not None


_DIGITS = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*")
_NUMBER_NAMES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
)  # fmt: skip


def numbers_of(text: str, spelled: bool = True) -> set[str]:
    """The numbers `text` writes in digits ("05" is "5", "1,000" is "1000") and, when
    `spelled`, those up to twenty it writes in words, as digits."""
    found = {re.sub(r",(?=\d{3}\b)", "", n).lstrip("0") or "0" for n in _DIGITS.findall(text)}
    if not spelled:
        return found
    words = words_of(text)
    return found | {str(i) for i, name in enumerate(_NUMBER_NAMES) if name in words}


_ORDINAL_NAMES = (
    "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
)  # fmt: skip
_ORDINAL = re.compile(
    r"(?<!\ba )(?<!\bper )\b(" + "|".join(_ORDINAL_NAMES) + r")\b|\b([2-9]|10)(?:nd|rd|th)\b",
    re.IGNORECASE,
)


_SUFFIX = {2: "nd", 3: "rd"}


def _ordinals(text: str) -> set[str]:
    """The ordinals from second to tenth `text` writes, in words or as "2nd".."10th", each as
    "2nd".."10th" ("a second" and "per second" are time, not an ordinal)."""
    found = set()
    for match in _ORDINAL.finditer(text):
        n = _ORDINAL_NAMES.index(match.group(1).lower()) + 2 if match.group(1) else int(match[2])
        found.add(f"{n}{_SUFFIX.get(n, 'th')}")
    return found


def numbers_missing(question: str, sources: Iterable[str]) -> list[str]:
    """The numbers the question writes in digits, and the ordinals from second to tenth it
    writes ("the second round"), that none of `sources` (the text around each cited quote)
    holds, in digits or in words; [] when all are there, or when the question has two parts.
    `sources` is read only when the question states a number or such an ordinal."""
    stated = numbers_of(question, spelled=False) | _ordinals(question)
    if not stated or _two_parts(question):
        return []
    held: set[str] = set()
    for text in sources:
        ordinals = _ordinals(text)
        held |= numbers_of(text) | ordinals | {o[:-2] for o in ordinals}  # "third" holds "3" too
    return sorted(stated - held)


# The side a modifier names: "the Ukrainian delegation", "Ukraine's delegation", "the US
# delegation". "US" counts only in capitals ("told us" is no side).
_SIDES = {
    "ukraine": "ukrainian ukraine's kyiv's kiev's",
    "russia": "russian russia's moscow's kremlin's",
    "us": "american america's US washington's",
    "europe": "european europe's EU",
    "uk": "british britain's UK",
    "france": "french france's",
    "germany": "german germany's",
    "china": "chinese china's",
    "turkey": "turkish turkey's türkiye's",
    "poland": "polish poland's",
    "belarus": "belarusian belarus's",
}
_SIDE_OF = {w: side for side, words in _SIDES.items() for w in words.split()}


def _side(word: str) -> str | None:
    return _SIDE_OF.get(word) or _SIDE_OF.get(word.lower())  # "US" has no lower-case key


def _sided(text: str) -> set[tuple[str, str]]:
    """(side, noun) for each side modifier in `text` and the noun after it ("delegation");
    modifiers joined by "and" or "or" share theirs ("Russian and Ukrainian officials")."""
    words = _WORD.findall(text.replace("U.S.", "US"))
    pairs = set()
    for i, word in enumerate(words):
        side = _side(word)
        if not side:
            continue
        j = i + 1
        while j < len(words) and (words[j].lower() in ("and", "or") or _side(words[j])):
            j += 1
        if j < len(words):
            pairs.add((side, words[j].lower().removesuffix("s")))
    return pairs


def wrong_side(question: str, texts: list[str]) -> str:
    """'X noun' when the question asks about one side's noun ("the Ukrainian delegation") and
    `texts` (the answer and its quotes) name only another side's ("the Russian delegation");
    "" otherwise, and for a question that asks for no number, date or name (or has two
    parts): "Who led the Ukrainian delegation?" answered with who led the Russian one."""
    if expected_type(question) is None:
        return ""
    said = set().union(*(_sided(t) for t in texts))
    asked = _sided(question)
    for noun in sorted({n for _, n in asked}):
        sides = {s for s, n in asked if n == noun}
        answered = {s for s, n in said if n == noun}
        if answered and not answered & sides:
            return f"{min(sides)} {noun}"
    return ""


def gives_what_was_asked(question: str, answer: str) -> bool:
    """False only when the question asks for a number, date or name and the answer holds none
    that the question did not already say."""
    kind = expected_type(question)
    return kind is None or holds(kind, answer, question)
