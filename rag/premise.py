"""Do the cited paragraphs speak of what the question takes as given?

A question may say when its event stands: "What was agreed at the Wednesday meeting ...?" asks
about a meeting that has taken place; "How did Zelenski react after the Trump-Putin call?" about
what came after a call. An article that speaks of that meeting only as one to come ("will still
meet on Wednesday"), or of the reaction only as what came before the call ("spoke with Zelenski
before the call"), does not answer it, though its sentence is true, similar to the question and
accepted by the claims judge. Two of issue 10's failure kinds: an event that did not happen
asserted as fact, and a time taken from another event.

A question asking for the name of a thing ("the official name of the Graham-Blumenthal Russia
sanctions bill") is answered only by a paragraph that speaks of that thing: a name from a
paragraph that never mentions it ("The Wartime Act I passed ...") names something else.

Each check reads the paragraph of each cited quote (`index.chunking.line_span`), never the
answer's wording, and says nothing unless the paragraphs contradict the question or miss its
subject: a paragraph that is silent on the question's timing passes.
"""

from __future__ import annotations

import re
from collections import Counter

from rag.answer_type import vocab

_IRREGULAR = {
    "met": "meet", "spoke": "speak", "spoken": "speak", "held": "hold", "told": "tell",
    "said": "say", "made": "make", "took": "take", "gave": "give", "sent": "send",
    "left": "leave", "led": "lead", "began": "begin", "wrote": "write", "sought": "seek",
}  # fmt: skip


def _stem(word: str) -> str:
    """A word without its possessive and inflection, so that its forms agree: "meeting",
    "meets", "met" -> "meet"; "vote", "voted", "votes" -> "vot"; "discussed" -> "discuss";
    "Putin’s" -> "putin". Not retrieval's stemmer (`index.keyword.tokenize`), which leaves
    "discuss" / "discussed" and "met" / "meet" apart; changing it would move BM25 rankings."""
    word = re.sub(r"['’]s?$", "", word.lower())
    word = _IRREGULAR.get(word, word)
    for suffix in ("ings", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _stems(text: str) -> Counter[str]:
    """How often each stem occurs in `text`."""
    return Counter(_stem(w) for w in _TOKEN.findall(text))


_DETERMINERS = vocab("the a an his her their its that this these those")
_TOKEN = re.compile(r"[\w’'-]+")
# Words that end a noun phrase rather than continue it: "the call to Putin", "the White House on
# Monday".
_NOT_NOUNS = vocab(
    "to with of in at on by for from into about and or but nor that which who whom whose when "
    "while as than is was were are be been has had have will would could should can may might "
    "did does do he she it they we i you him her them us me his its their our the a an this"
)


def _modifier(word: str) -> bool:
    """A word before an event noun that is not the noun: a name, a number, "two-hour"."""
    return word[:1].isupper() or word[:1].isdigit() or "-" in word


def _nouns(words: list[str], j: int) -> list[str]:
    """The nouns of the phrase starting at words[j], past names, numbers and compounds: one, or
    two in a compound ("Wednesday meeting" -> ["meeting"], "his phone call" -> ["phone",
    "call"]); [] when there is none within five words. A word ending in "ed" ends it ("the call
    ended")."""
    start = j
    while j < len(words) and j - start < 5 and _modifier(words[j]):
        j += 1
    found = []
    while j < len(words) and len(found) < 2:
        word = words[j]
        if not (word.isalpha() and word.islower()) or word in _NOT_NOUNS or word.endswith("ed"):
            break
        found.append(word)
        j += 1
    return found


# --- an event the question takes as past, that the sources place ahead ----------------------

# The question takes its event as done: "What was agreed at ...", "What did they decide ...".
_PAST_Q = re.compile(r"\b(was|were|did|had)\b", re.I)
# ... unless it says itself that the event is ahead: "Where were they still due to meet?"
_AHEAD_Q = re.compile(
    r"\b(will|would|shall|due|going to|plans?|planned|scheduled|expected|upcoming|next"
    r"|set to|to be held|intend(s|ed)? to)\b",
    re.I,
)
# In a source, a verb put ahead: "will still meet", "is scheduled to hold" (not a bare "is to":
# "the aim is to meet them").
_AHEAD = re.compile(
    r"\b(?:will|shall|(?:is|are) (?:due|scheduled|set|expected|going|planning) to|plans? to)"
    r"((?:\s+[\w’'-]+){1,3})",
    re.I,
)
_ADVERBS = vocab("still also soon then again finally only not now first later yet")
_NOT_EVENTS = vocab("be have do make take say get go come give")
# Where a question puts its event as a place in time: "at the meeting", "during the talks".
_AT = vocab("at during from in")
_PAST_FORMS = frozenset(_IRREGULAR)


def _ahead_verbs(text: str) -> list[str]:
    """The stems of the verbs `text` puts in the future ("will still meet" -> "meet"), once
    per mention; not a repeat ("will meet again": one has taken place)."""
    found = []
    for match in _AHEAD.finditer(text):
        if "again" in match.group(1).lower().split():
            continue
        words = [w for w in match.group(1).split() if w.lower() not in _ADVERBS]
        if words and _stem(words[0]) not in _NOT_EVENTS:
            found.append(_stem(words[0]))
    return found


def _heads(question: str) -> dict[str, str]:
    """{stem: noun} of the events the question places itself at ("at the Wednesday meeting"
    -> {"meet": "meeting"}, "at the press conference" -> {"conferenc": "conference"}); not its
    verbs, nor a noun it only mentions ("his expectations for a Trump-Putin meeting")."""
    words = _TOKEN.findall(question)
    heads = [
        _nouns(words, i + 2)
        for i, w in enumerate(words[:-1])
        if w.lower() in _AT and words[i + 1].lower() in _DETERMINERS
    ]
    return {_stem(h[-1]): h[-1] for h in heads if h}


def _reported_done(question: str, paragraphs: list[str]) -> bool:
    """Whether a paragraph puts a verb of the question in the past ("What did they discuss
    ...?" and "they discussed tariffs"): it reports the asked event, whatever it says is
    ahead."""
    asked = {_stem(w) for w in _TOKEN.findall(question)}
    for text in paragraphs:
        for word in _TOKEN.findall(text):
            lower = word.lower()
            past = lower in _PAST_FORMS or (lower.endswith("ed") and len(lower) > 4)
            if past and _stem(word) in asked:
                return True
    return False


def ahead_only(question: str, paragraphs: list[str]) -> str:
    """The question's event noun ("meeting") when the question asks about it as done (past
    tense, nothing in it saying the event is ahead), the cited paragraphs name it, each time,
    as ahead ("will still meet"), and none puts a verb of the question in the past; ""
    otherwise, and when any of them names the event otherwise ("met", "the meeting ended")."""
    if not _PAST_Q.search(question) or _AHEAD_Q.search(question):
        return ""
    asked = _heads(question)
    ahead = Counter(verb for text in paragraphs for verb in _ahead_verbs(text) if verb in asked)
    if not ahead or _reported_done(question, paragraphs):
        return ""
    named = sum((_stems(text) for text in paragraphs), Counter())
    for verb in sorted(ahead):
        if named[verb] == ahead[verb]:
            return asked[verb]
    return ""


# --- before / after an event ---------------------------------------------------------------

# The words that place something before or after a noun ("following the strikes" is after).
_RELATIONS = {"before": "before", "after": "after", "following": "after", "prior": "before"}
_OPPOSITE = {"before": "after", "after": "before"}
# Words that place something on a side without naming the event: a paragraph holding one may
# speak of the asked side ("Netanyahu said afterwards ...").
_SIDE_WORDS = {
    "after": re.compile(r"\b(afterwards?|after that|later|since then|once)\b", re.I),
    "before": re.compile(r"\b(earlier|beforehand|previously|in advance)\b", re.I),
}


def _orders(text: str, last_only: bool = False) -> set[tuple[str, str]]:
    """(before|after, event stem) for each "before/after/following [the] [names, numbers,
    compounds] noun" in `text`: "after the two-hour Trump-Putin call" -> ("after", "call");
    "after his phone call" -> ("after", "phone") and ("after", "call"), or the last noun alone
    when `last_only` (a question's event is what its phrase ends with: "after the court
    ruling" is after a ruling)."""
    words = _TOKEN.findall(text)
    found = set()
    for i, word in enumerate(words):
        relation = _RELATIONS.get(word.lower())
        if relation is None:
            continue
        j = i + 1
        if word.lower() == "prior" and j < len(words) and words[j].lower() == "to":
            j += 1
        if j < len(words) and words[j].lower() in _DETERMINERS:
            j += 1
        nouns = _nouns(words, j)
        for noun in nouns[-1:] if last_only else nouns:
            found.add((relation, _stem(noun)))
    return found


def order_contradicted(question: str, paragraphs: list[str]) -> str:
    """'after call' when the question asks what came after (or before) an event and a cited
    paragraph places it on the other side of that event ("before the call") while none
    places it on the asked side, by name or by a word such as "afterwards"; "" otherwise, and
    for an event it asks about on both sides."""
    asked = _orders(question, last_only=True)
    if not asked:
        return ""
    said = set().union(*(_orders(p) for p in paragraphs))
    for relation, event in sorted(asked):
        if (_OPPOSITE[relation], event) in asked:
            continue  # "What did he say after the call? Did he talk to her before that call?"
        if any(_SIDE_WORDS[relation].search(p) for p in paragraphs):
            continue
        if (_OPPOSITE[relation], event) in said and (relation, event) not in said:
            return f"{relation} {event}"
    return ""


# --- the thing whose name is asked -----------------------------------------------------------

# "What is the (official) name of the X bill?", "What was the title of the upcoming CSIS report
# on ...": the thing named runs to a relative clause, a preposition or the question's end.
_NAME_OF = re.compile(
    r"\b(?:what|which) (?:is|was|are|were) the (?:\w+ )?(?:name|title)s? of "
    r"(?:the |a |an |this |that )?(.+?)"
    r"(?:\s+(?:who|whom|that|which|whose|on|in|at|for|by|from|to|about|with)\b|[?.!]|$)",
    re.IGNORECASE,
)


def subject_unnamed(question: str, paragraphs: list[str]) -> str:
    """The thing a "what is the name of X" question asks about ("Graham-Blumenthal Russia
    sanctions bill") when X has capitalised words (names: Graham, Blumenthal, Russia) and no
    cited paragraph has any of them; "" otherwise, and for any other question (a generic "the
    company that makes the drones" is not checked: its paragraph may name it "a Turkish
    firm")."""
    match = _NAME_OF.search(question)
    if not match:
        return ""
    subject = match.group(1).strip()
    names = {
        _stem(part) for w in _TOKEN.findall(subject) for part in w.split("-") if part[:1].isupper()
    }
    if not names:
        return ""
    said = set().union(*(_stems(p.replace("-", " ")) for p in paragraphs))
    return "" if names & said else subject


def premise_contradicted(question: str, paragraphs: list[str]) -> str:
    """Why the cited paragraphs do not answer the question ("ahead: meeting", "order: after
    call", "subject: Graham-Blumenthal Russia sanctions bill"); "" when they do not contradict
    it or miss its subject."""
    ahead = ahead_only(question, paragraphs)
    if ahead:
        return f"ahead: {ahead}"
    order = order_contradicted(question, paragraphs)
    if order:
        return f"order: {order}"
    subject = subject_unnamed(question, paragraphs)
    return f"subject: {subject}" if subject else ""
