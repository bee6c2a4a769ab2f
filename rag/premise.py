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

Each check reads the paragraph of each cited quote (`paragraph`), never the answer's wording,
and says nothing unless the paragraphs contradict the question or miss its subject: a
paragraph that is silent on the question's timing passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.answer_type import vocab


def paragraph(text: str, start: int, end: int) -> str:
    """The paragraph of `text` (between blank lines, or line breaks) holding [start, end)."""
    begin = max(text.rfind("\n", 0, start) + 1, 0)
    stop = text.find("\n", end)
    return text[begin : stop if stop >= 0 else len(text)]


def _stem(word: str) -> str:
    """A word without its inflection: "meeting", "meets", "met" -> "meet"; "talks" -> "talk"."""
    word = word.lower().strip("’'")
    word = _IRREGULAR.get(word, word)
    for suffix in ("ings", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_IRREGULAR = {"met": "meet", "spoke": "speak", "spoken": "speak", "held": "hold", "told": "tell"}
_DETERMINERS = vocab("the a an his her their its that this these those")
_PRONOUNS = vocab("he she it they we i you him her them us me")
_OPPOSITE = {"before": "after", "after": "before"}
_TOKEN = re.compile(r"[\w’'-]+")

# --- an event the question takes as past, that the sources place ahead ----------------------

# The question takes its event as done: "What was agreed at ...", "What did they decide ...".
_PAST_Q = re.compile(r"\b(was|were|did|had)\b", re.I)
# ... unless it says itself that the event is ahead: "Where were they still due to meet?"
_AHEAD_Q = re.compile(
    r"\b(will|would|shall|due|going to|plans?|planned|scheduled|expected|upcoming|next"
    r"|set to|to be held|intend(s|ed)? to)\b",
    re.I,
)
# In a source, a verb put ahead: "will still meet", "are to meet", "is scheduled to hold".
_AHEAD = re.compile(
    r"\b(?:will|shall|(?:is|are) (?:due |scheduled |set |expected |going )?to|plans? to"
    r"|(?:is|are) planning to)((?:\s+[\w’'-]+){1,3})",
    re.I,
)
_ADVERBS = vocab("still also soon then again finally only not now first later yet be")
_NOT_EVENTS = vocab("be have do make take say get go come give")


def _ahead_verbs(text: str) -> list[str]:
    """The stems of the verbs `text` puts in the future ("will still meet" -> "meet"), once
    per mention."""
    found = []
    for match in _AHEAD.finditer(text):
        if "again" in match.group(1).lower().split():
            continue  # "will meet again": a meeting has taken place, the question may mean it
        words = [w for w in match.group(1).split() if w.lower() not in _ADVERBS]
        if words and _stem(words[0]) not in _NOT_EVENTS:
            found.append(_stem(words[0]))
    return found


def ahead_only(question: str, paragraphs: list[str]) -> str:
    """The question's event word ("meeting") when the question asks about it as done (past
    tense, nothing in it saying the event is ahead) and the cited paragraphs name it, each
    time, as ahead ("will still meet"); "" otherwise, and when any of them names it otherwise
    ("met", "the meeting ended")."""
    if not _PAST_Q.search(question) or _AHEAD_Q.search(question):
        return ""
    asked = _heads(question)
    ahead = [verb for text in paragraphs for verb in _ahead_verbs(text) if verb in asked]
    for verb in sorted(set(ahead)):
        named = sum(_stem(w) == verb for text in paragraphs for w in _TOKEN.findall(text))
        if named == ahead.count(verb):
            return asked[verb]
    return ""


# --- before / after an event ---------------------------------------------------------------


def _modifier(word: str) -> bool:
    """A word before an event noun that is not the noun: a name, a number, "two-hour"."""
    return word[:1].isupper() or word[:1].isdigit() or "-" in word


def _head(words: list[str], j: int) -> str:
    """The noun a phrase starting at words[j] ends with, past names, numbers and compounds
    ("Wednesday meeting" -> "meeting"); "" when there is none within five words."""
    start = j
    while j < len(words) and j - start < 5 and _modifier(words[j]):
        j += 1
    if j < len(words) and words[j].isalpha() and words[j].islower():
        return "" if words[j] in _PRONOUNS else words[j]
    return ""


# Where a question puts its event as a place in time: "at the meeting", "during the talks".
_AT = vocab("at during from in")


def _heads(question: str) -> dict[str, str]:
    """{stem: word} of the events the question places itself at ("at the Wednesday meeting"
    -> {"meet": "meeting"}); not its verbs, nor a noun it only mentions ("his expectations for
    a Trump-Putin meeting")."""
    words = _TOKEN.findall(question)
    heads = (
        _head(words, i + 2)
        for i, w in enumerate(words[:-1])
        if w.lower() in _AT and words[i + 1].lower() in _DETERMINERS
    )
    return {_stem(h): h for h in heads if h and not h.endswith("ed")}


def _orders(text: str) -> set[tuple[str, str]]:
    """(before|after, event stem) for each "before/after [the] [names, numbers, compounds]
    noun" in `text`: "after the two-hour Trump-Putin call" -> ("after", "call"); "after
    Rubio's withdrawal" -> ("after", "withdrawal"); "after his phone call" -> ("after",
    "phone") and ("after", "call")."""
    words = _TOKEN.findall(text)
    found = set()
    for i, word in enumerate(words):
        if word.lower() not in _OPPOSITE:
            continue
        j = i + 1
        if j < len(words) and words[j].lower() in _DETERMINERS:
            j += 1
        noun = _head(words, j)
        if noun:
            found.add((word.lower(), _stem(noun)))
            k = words.index(noun, j) + 1  # a compound: "after his phone call" is a call too
            if (
                k < len(words)
                and words[k].isalpha()
                and words[k].islower()
                and (words[k] not in _NOT_NOUNS)
            ):
                found.add((word.lower(), _stem(words[k])))
    return found


# Words that end a noun phrase rather than continue it ("the call to Putin", "the call ended"
# is read as "call" and "end"; an extra stem only matters if the other side names it too).
_NOT_NOUNS = vocab(
    "to with of in at on by for from into about and or but nor that which who whom whose when "
    "while as than is was were are be been has had have will would could should can may might "
    "did does do he she it they we i you him her them us me his its their our the a an this"
)


def order_contradicted(question: str, paragraphs: Iterable[str]) -> str:
    """'after call' when the question asks what came after (or before) an event and a cited
    paragraph places it on the other side of that event ("before the call") while none
    places it on the asked side; "" otherwise, and for an event it asks about on both sides."""
    asked = _orders(question)
    if not asked:
        return ""
    said = set().union(*(_orders(p) for p in paragraphs))
    for relation, event in sorted(asked):
        if (_OPPOSITE[relation], event) in asked:
            continue  # "What did he say after the call? Did he talk to her before that call?"
        if (_OPPOSITE[relation], event) in said and (relation, event) not in said:
            return f"{relation} {event}"
    return ""


# "What is the (official) name of the X bill?", "the title of the upcoming CSIS report on ...":
# the thing named runs to a relative clause, a preposition or the question's end.
_NAME_OF = re.compile(
    r"\b(?:name|title)s? of (?:the |a |an |this |that )?(.+?)"
    r"(?:\s+(?:who|whom|that|which|whose|on|in|at|for|by|from|to|about|with)\b|[?.!]|$)",
    re.IGNORECASE,
)
_SUBJECT_STOP = vocab("the a an of and or official full new upcoming")


def subject_unnamed(question: str, paragraphs: list[str]) -> str:
    """The thing a "what is the name of X" question asks about ("Graham-Blumenthal Russia
    sanctions bill") when no cited paragraph has any word of it; "" otherwise, and for any
    other question."""
    match = _NAME_OF.search(question)
    if not match:
        return ""
    subject = match.group(1).strip()
    words = {_stem(p) for w in _TOKEN.findall(subject) for p in w.split("-") if p}
    words -= _SUBJECT_STOP
    said = {_stem(p) for text in paragraphs for w in _TOKEN.findall(text) for p in w.split("-")}
    return subject if words and not words & said else ""


def time_contradicted(question: str, paragraphs: list[str]) -> str:
    """Why the paragraphs contradict when the question puts its event ("ahead: meeting",
    "order: after call"); "" when they do not."""
    ahead = ahead_only(question, paragraphs)
    if ahead:
        return f"ahead: {ahead}"
    order = order_contradicted(question, paragraphs)
    return f"order: {order}" if order else ""


def premise_contradicted(question: str, paragraphs: list[str]) -> str:
    """Why the cited paragraphs do not answer the question ("ahead: meeting", "order: after
    call", "subject: Graham-Blumenthal Russia sanctions bill"); "" when they do not contradict
    it or miss its subject."""
    timing = time_contradicted(question, paragraphs)
    if timing:
        return timing
    subject = subject_unnamed(question, paragraphs)
    return f"subject: {subject}" if subject else ""
