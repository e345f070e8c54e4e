"""Attributing quotations to speakers.

For each quotation the detector looks for a reporting cue in the rest of its sentence
(after the quotation first, then before it, then further away): a speech verb ('said',
'sagte', 'a déclaré', '表示'), or a source cue ('according to', 'laut', 'selon', '据').
The speaker is the name or pronoun that is the verb's subject (before the verb, or right
after it in an inverted attribution), or the noun phrase after/before a source cue. A
pronoun is resolved to the nearest person named before it. A sentence that is only a
quotation, right after an attributed one, continues that speaker's quotation.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotator.core.quotation.lexicon import (
    ABBREVIATIONS,
    CJK_PRONOUNS,
    CJK_SOURCE_AFTER,
    CJK_SOURCE_BEFORE,
    CJK_VERBS,
    DETERMINERS,
    NOT_NAMES,
    ORG_WORDS,
    PLURAL_PRONOUNS,
    PREPOSITIONS,
    PRONOUNS,
    SKIPPABLE,
    SOURCE_AFTER,
    SOURCE_BEFORE,
    TITLE_SUFFIX,
    TITLES,
    VERBS,
)
from annotator.core.quotation.marks import Quotation, find_quotations
from annotator.core.quotation.mentions import Mention, names_in
from annotator.core.word_trie import trie_pattern

__all__ = ["Attribution", "Mention", "detect_quotations"]


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_LATIN_CUE = re.compile(
    rf"(?<![\w-])(?:(?P<after>{_alternation(SOURCE_AFTER)})|(?P<before>{_alternation(SOURCE_BEFORE)})"
    rf"|(?P<verb>{_alternation(VERBS)})|(?P<inverted>\w+-t-(?:il|elle|ils|elles)|\w+-(?:il|elle|ils|elles)))"
    r"(?![\w-])",
    re.IGNORECASE,
)


_CUE_KINDS: dict[str, str] = {
    **{w: "verb" for w in VERBS},
    **{w: "after" for w in SOURCE_AFTER},
    **{w: "before" for w in SOURCE_BEFORE},
}
_CUE_WORDS = re.compile(rf"\b(?:{trie_pattern(_CUE_KINDS)})(?![\w-])")
_INVERTED = re.compile(r"\b\w+-(?:t-)?(?:il|elle|ils|elles)\b")


def _latin_cues(text: str) -> list[tuple[str, int, int]]:
    """Cues of the Latin-script languages (speech verbs, 'according to', 'dit-il')."""
    lowered = text.lower()
    if len(lowered) != len(text):  # lower-casing moved offsets: use the slow path
        return [(m.lastgroup or "verb", m.start(), m.end()) for m in _LATIN_CUE.finditer(text)]
    found = [
        (_CUE_KINDS[m.group()], m.start(), m.end())
        for m in _CUE_WORDS.finditer(lowered)
        if m.start() == 0 or lowered[m.start() - 1] != "-"
    ]
    if "-" in text:
        found += [("inverted", m.start(), m.end()) for m in _INVERTED.finditer(lowered)]
    return found


_CJK_CUE = re.compile(
    rf"(?P<after>{_alternation(CJK_SOURCE_AFTER)})|(?P<before>{_alternation(CJK_SOURCE_BEFORE)})"
    rf"|(?P<verb>{_alternation(CJK_VERBS)})"
)
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaffA-Za-z·・]+$")
_CJK_PARTICLES = ("は", "が", "も", "也", "还", "則", "则", "再", "又", "曾")
_SENTENCE_END = re.compile(r"[.!?][\"”’»]?(?=\s+[\"“„«A-ZÀ-Þ0-9(])|[。！？]|\n")
_WORDS = re.compile(r"[\w’'.-]+")
_CLAUSE_BREAK = re.compile(r"[;:–—(]|, (?=(?:and|but|while|as|und|aber|et|mais)\b)")
_PUNCT_STOP = re.compile(r"[,.;:!?()\[\]–—\n]")
_SENTENCE_CLOSING = ".!?…。！？"


@dataclass(frozen=True, slots=True)
class Attribution:
    """A quotation's claim span [start, end), who said it, the cue that says so, a score."""

    quotation: Quotation
    start: int
    end: int
    speaker: Mention | None
    cue: str
    score: float


@dataclass(slots=True)
class _Doc:
    """What the detector knows of one text while it works on it."""

    text: str
    quotes: list[Quotation]
    known: list[Mention]
    _names: list[Mention] | None = None
    _name_starts: list[int] = field(default_factory=list)
    persons: set[str] = field(default_factory=set)
    sentence: tuple[int, int] = (0, 0)  # the sentence being attributed
    speakers: list[Mention] = field(default_factory=list)  # attributed so far, in order
    ends: list[int] = field(default_factory=list)  # sentence boundaries
    _cues: list[tuple[str, int, int]] | None = None
    _cue_starts: list[int] = field(default_factory=list)
    _opens: list[int] = field(default_factory=list)

    def cues(self) -> list[tuple[str, int, int]]:
        """Every reporting cue of the text (kind, start, end), in order, found once."""
        if self._cues is None:
            found: list[tuple[str, int, int]] = []
            text = self.text
            if _CJK_CHAR.search(text):
                for m in _CJK_CUE.finditer(text):
                    found.append(("cjk_" + (m.lastgroup or "verb"), m.start(), m.end()))
            found.extend(_latin_cues(text))
            found.sort(key=lambda c: c[1])
            self._cues = found
            self._cue_starts = [c[1] for c in found]
        return self._cues

    def inside_quote(self, pos: int) -> bool:
        if not self._opens:
            self._opens = [q.open for q in self.quotes]
        i = bisect.bisect_right(self._opens, pos) - 1
        return i >= 0 and self.quotes[i].open <= pos <= self.quotes[i].close

    def names(self) -> list[Mention]:
        """Every name outside quotations, with the known entities taking precedence."""
        if self._names is None:
            found: list[Mention] = list(self.known)
            spans = [(k.start, k.end) for k in self.known]
            pos = 0
            for q in [*self.quotes, None]:
                stop = len(self.text) if q is None else q.open
                for m in names_in(self.text, pos, stop):
                    if not any(m.start < e and s < m.end for s, e in spans):
                        found.append(m)
                if q is not None:
                    pos = q.close + 1
            found.sort(key=lambda m: m.start)
            self._names = found
            self._name_starts = [m.start for m in found]
            for m in found:
                if m.label == "PERSON" and " " in self.text[m.start : m.end].strip():
                    self.persons.update(self.text[m.start : m.end].split())
        return self._names

    def is_person(self, m: Mention) -> bool:
        """Whether `m` names a person who may be meant by 'he' or 'she' later on."""
        if any(k.start == m.start for k in self.known):
            return m.label == "PERSON"
        if m.label != "PERSON" or _after_preposition(self.text, max(0, m.start - 30), m):
            return False  # 'the mayor of Porto Alegre', 'a spokesman for the Red Cross'
        name = self.text[m.start : m.end]
        return " " in name or name in self.persons

    def mentions_between(self, start: int, end: int) -> list[Mention]:
        names = self.names()
        i = bisect.bisect_left(self._name_starts, start)
        out = []
        while i < len(names) and names[i].start < end:
            if names[i].end <= end:
                out.append(names[i])
            i += 1
        return out

    def person_before(self, pos: int, organisations: bool = False) -> Mention | None:
        """The nearest person (or, with `organisations`, also organisation) named before."""
        names = self.names()
        i = bisect.bisect_left(self._name_starts, pos) - 1
        while i >= 0:
            m = names[i]
            if self.is_person(m) or (organisations and m.label == "ORG"):
                return m
            i -= 1
        return None


def detect_quotations(text: str, known: Sequence[Mention] = ()) -> list[Attribution]:
    """Attributed quotations of `text`, in order. `known` are the document's PERSON/ORG
    entities (or other names); a speaker that is one of them is given as that mention."""
    quotes = find_quotations(text)
    if not quotes:
        return []
    doc = _Doc(text, quotes, sorted(known, key=lambda m: m.start))
    found: list[Attribution] = []
    previous: Attribution | None = None
    for sentence_start, sentence_end, group in _sentences(doc):
        doc.sentence = (sentence_start, sentence_end)
        for index in range(len(group)):
            attribution = _attribute(doc, sentence_start, sentence_end, group, index)
            if attribution is None and index == 0:
                attribution = _introduced(doc, sentence_start, group[0])
            if attribution is None and previous is not None:
                attribution = _continued(doc, previous, sentence_start, sentence_end, group, index)
            if attribution is not None:
                found.append(attribution)
                if attribution.speaker is not None:
                    doc.speakers.append(attribution.speaker)
                previous = attribution
            elif len(group) == 1:
                previous = None
        if not group:
            previous = None
    return found


def _boundaries(doc: _Doc) -> list[int]:
    """Sentence ends outside quotations; a quotation closing a sentence ends one too."""
    text = doc.text
    ends = []
    for m in _SENTENCE_END.finditer(text):
        at = m.start()
        ch = text[at]
        if ch != "\n" and doc.inside_quote(at):
            continue
        if ch in ".!?":
            word = text[max(0, at - 5) : at + 1].rsplit(None, 1)[-1:] or [""]
            if word[0].lower().rstrip(".") in ABBREVIATIONS or re.fullmatch(r"[A-Z]\.", word[0]):
                continue
        ends.append(m.end())
    for q in doc.quotes:
        inner = text[q.start : q.end]
        if inner and inner[-1] in _SENTENCE_CLOSING:
            after = text[q.close + 1 : q.close + 3].lstrip(" \u00a0")
            if inner[-1] in "。！？" or not after or after[0].isupper() or after[0] in '"“„«「\n':
                ends.append(q.close + 1)
    ends.append(len(text))
    return sorted(set(ends))


def _sentences(doc: _Doc) -> list[tuple[int, int, list[Quotation]]]:
    """(start, end, quotations) of each sentence that holds a quotation."""
    ends = doc.ends = _boundaries(doc)
    out: list[tuple[int, int, list[Quotation]]] = []
    for q in doc.quotes:
        i = bisect.bisect_right(ends, q.open)
        start = ends[i - 1] if i > 0 else 0
        j = bisect.bisect_left(ends, q.close + 1)
        end = ends[j] if j < len(ends) else len(doc.text)
        if out and out[-1][1] > q.open:
            s, e, group = out[-1]
            group.append(q)
            out[-1] = (s, max(e, end), group)
        else:
            out.append((start, end, [q]))
    return out


def _gaps(start: int, end: int, group: list[Quotation], index: int) -> list[tuple[int, int]]:
    """The stretches of the sentence outside quotations, the most telling first for
    quotation `index`: right after it, right before it, then the others by distance."""
    edges = [start]
    for q in group:
        edges += [q.open, q.close + 1]
    edges.append(end)
    gaps = [(edges[k], edges[k + 1]) for k in range(0, len(edges), 2)]
    right, left = gaps[index + 1], gaps[index]
    others = sorted(
        (g for k, g in enumerate(gaps) if k not in (index, index + 1)),
        key=lambda g: abs(g[0] - group[index].open),
    )
    return [right, left, *others]


def _attribute(
    doc: _Doc, start: int, end: int, group: list[Quotation], index: int
) -> Attribution | None:
    quote = group[index]
    for rank, (gs, ge) in enumerate(_gaps(start, end, group, index)):
        if ge <= gs:
            continue
        cues = _cues(doc, gs, ge)
        if rank == 1:
            cues.reverse()  # before the quotation, the nearest cue is the last one
        for kind, cs, ce in cues:
            speaker, score = _speaker(doc, kind, cs, ce, gs, ge, quote)
            if speaker is None and kind != "verb":
                continue
            if speaker is None:
                score = 0.5
            score -= 0.1 * min(rank, 2) if rank else 0.0
            return Attribution(quote, quote.start, quote.end, speaker, doc.text[cs:ce], score)
    return None


def _introduced(doc: _Doc, sentence_start: int, quote: Quotation) -> Attribution | None:
    """A quotation opening a paragraph after one that ends with a colon ('Jones said in a
    statement:'): attributed by that introducing sentence."""
    text = doc.text
    if text[sentence_start : quote.open].strip():
        return None
    colon = len(text[:sentence_start].rstrip()) - 1
    if colon < 0 or text[colon] not in ":：":
        return None
    i = bisect.bisect_left(doc.ends, colon) - 1
    start = doc.ends[i] if i >= 0 else 0
    for kind, cs, ce in reversed(_cues(doc, start, colon)):
        speaker, score = _speaker(doc, kind, cs, ce, start, colon, quote)
        if speaker is not None:
            return Attribution(quote, quote.start, quote.end, speaker, text[cs:ce], score - 0.1)
    return None


def _cues(doc: _Doc, start: int, end: int) -> list[tuple[str, int, int]]:
    """The reporting cues in text[start:end], in order."""
    cues = doc.cues()
    i = bisect.bisect_left(doc._cue_starts, start)
    out = []
    while i < len(cues) and cues[i][1] < end:
        kind, cs, ce = cues[i]
        if ce <= end and not (
            kind == "verb"
            and doc.text[cs:ce].lower() == "so"
            and not _is_german_so(doc.text, start, cs)
        ):
            out.append(cues[i])
        i += 1
    return out


def _is_german_so(text: str, gap_start: int, at: int) -> bool:
    """'„…“, so Müller': 'so' names a speaker only right after a quotation."""
    return not text[gap_start:at].strip(" ,\u00a0")


def _speaker(
    doc: _Doc, kind: str, cs: int, ce: int, gs: int, ge: int, quote: Quotation
) -> tuple[Mention | None, float]:
    text = doc.text
    if kind.startswith("cjk_"):
        return _cjk_speaker(doc, kind[4:], cs, ce, gs, ge, quote)
    if kind == "after":
        return _phrase_after(doc, ce, ge), 0.85
    if kind == "before":
        return _phrase_before(doc, gs, cs), 0.85
    if kind == "inverted":
        pronoun = text[cs:ce].rsplit("-", 1)[-1]
        return _resolve_pronoun(doc, cs, gs, ge, pronoun.lower()), 0.75
    # a pronoun right after the verb: 'said he', 'sagte er'
    after = _WORDS.match(text, _skip_spaces(text, ce, ge))
    subject = _subject_before(doc, gs, cs)
    if subject is not None:
        return subject
    if after is not None and after.group().lower() in PRONOUNS and after.end() <= ge:
        return _resolve_pronoun(doc, after.start(), gs, ge, after.group().lower()), 0.75
    if text[gs:cs].strip(' ,\u00a0"”»“«„'):
        return None, 0.0  # 'X said the talks were "…"': what follows the verb is no speaker
    mention = _phrase_after(doc, ce, ge, names_only=False)
    return mention, 0.85


def _skip_spaces(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos] in " \u00a0,":
        pos += 1
    return pos


def _subject_before(doc: _Doc, gs: int, cs: int) -> tuple[Mention | None, float] | None:
    """The subject of a verb at `cs`: the nearest name or pronoun before it in its clause."""
    text = doc.text
    clause = gs
    for brk in _CLAUSE_BREAK.finditer(text, gs, cs):
        clause = brk.end()
    words = [(m.start(), m.end()) for m in _WORDS.finditer(text, clause, cs)]
    names = [m for m in doc.mentions_between(clause, cs) if not _after_preposition(text, clause, m)]
    names = [m for m in names if not _possessive(text, m)]
    best: tuple[Mention | None, float] | None = None
    best_end = -1
    if names:
        m = names[-1]
        gap_words = sum(1 for s, _ in words if s >= m.end)
        if gap_words <= 12:
            best, best_end = (m, 0.9), m.end
    for s, e in reversed(words):
        if e <= best_end:
            break
        w = text[s:e].lower()
        if w in PRONOUNS:
            return _resolve_pronoun(doc, s, gs, cs, w), 0.75
    if best is not None:
        return best
    phrase = _noun_phrase(doc, words)
    if phrase is not None:
        return phrase
    objects = doc.mentions_between(clause, cs)  # 'Analysts at Morgan Stanley called …'
    if objects and not _possessive(text, objects[-1]):
        return objects[-1], 0.6
    return None


def _noun_phrase(doc: _Doc, words: list[tuple[int, int]]) -> tuple[Mention | None, float] | None:
    """'a top advisor to …, had stated': a descriptive subject starting with a determiner."""
    text = doc.text
    while words and text[words[0][0] : words[0][1]].lower() not in DETERMINERS:
        words = words[1:]
    while words and text[words[-1][0] : words[-1][1]].lower() in SKIPPABLE:
        words = words[:-1]
    if len(words) < 2:
        return None
    s, e = words[1][0], words[-1][1]  # without the determiner
    return Mention(s, e, _label_of_phrase(text[s:e])), 0.6


def _label_of_phrase(phrase: str) -> str:
    return "ORG" if any(w.lower() in ORG_WORDS for w in phrase.split()) else "PERSON"


def _after_preposition(text: str, clause: int, m: Mention) -> bool:
    before = re.split(r"[.!?;:\n]", text[max(clause, m.start - 30) : m.start])[-1].split()
    skip = 0
    while before and (before[-1].lower() in DETERMINERS or before[-1][:1].isupper()) and skip < 4:
        before.pop()  # 'at the White House', 'to US President Donald Trump'
        skip += 1
    return bool(before) and before[-1].lower() in PREPOSITIONS


def _possessive(text: str, m: Mention) -> bool:
    return text[m.end : m.end + 2] in ("’s", "'s") or text[m.end : m.end + 1] in ("’", "'")


def _abbreviated(text: str, dot: int) -> bool:
    """Whether the full stop at `dot` ends an abbreviation ('Sen.', 'Dr.', 'J.')."""
    word = text[max(0, dot - 6) : dot].rsplit(None, 1)[-1:] or [""]
    return word[0].lower() in ABBREVIATIONS or (len(word[0]) == 1 and word[0].isupper())


def _phrase_after(doc: _Doc, pos: int, end: int, names_only: bool = False) -> Mention | None:
    """The name or noun phrase starting right after a cue (up to the next punctuation)."""
    text = doc.text
    stop = _PUNCT_STOP.search(text, pos, end)
    while stop is not None and text[stop.start()] == "." and _abbreviated(text, stop.start()):
        stop = _PUNCT_STOP.search(text, stop.end(), end)  # 'said Sen. Elizabeth Warren'
    limit = stop.start() if stop else end
    words = [(m.start(), m.end()) for m in _WORDS.finditer(text, pos, limit)][:10]
    determined = False  # 'ein Sprecher der Feuerwehr': a noun phrase, capitalised or not
    while words and text[words[0][0] : words[0][1]].lower() in (DETERMINERS | SKIPPABLE):
        determined = determined or text[words[0][0] : words[0][1]].lower() in DETERMINERS
        words = words[1:]
    if not words:
        return None
    first = words[0][0]
    for m in doc.mentions_between(first, limit):
        lead = text[first : m.start].split()
        if all(w.lower() in TITLES or TITLE_SUFFIX.search(w.lower()) for w in lead):
            e = m.end
            rest = [w for w in words if w[0] >= m.end]
            for s2, e2 in rest:  # 'Xinhua news agency'
                if text[s2:e2].lower() in ORG_WORDS:
                    e = e2
                else:
                    break
            label = m.label if e == m.end else "ORG"
            return Mention(m.start, e, label)
        break
    if names_only or not (text[first].islower() or determined):
        return None
    if text[words[0][0] : words[0][1]].lower() in NOT_NAMES | PRONOUNS:
        return None
    if stop is not None and text[stop.start()] == ",":  # 'la ministre du Travail, Claire Dubois'
        apposed = doc.mentions_between(stop.end(), end)
        if (
            apposed
            and not text[stop.end() : apposed[0].start].strip()
            and apposed[0].label == "PERSON"
        ):
            return apposed[0]
    e = words[-1][1]
    return Mention(first, e, _label_of_phrase(text[first:e]))


def _phrase_before(doc: _Doc, start: int, pos: int) -> Mention | None:
    names = [m for m in doc.mentions_between(start, pos)]
    if names:
        return names[-1]
    words = [(m.start(), m.end()) for m in _WORDS.finditer(doc.text, start, pos)]
    if not words:
        return None
    return Mention(words[-1][0], words[-1][1], "PERSON")


_INTRODUCTORY = frozenset(
    {
        "in",
        "on",
        "at",
        "when",
        "after",
        "as",
        "while",
        "before",
        "although",
        "though",
        "if",
        "since",
        "during",
        "wenn",
        "als",
        "nachdem",
        "während",
        "bevor",
        "im",
        "am",
        "quand",
        "lorsque",
        "après",
        "avant",
        "dans",
        "en",
        "pendant",
        "alors",
    }
)


def _resolve_pronoun(doc: _Doc, pos: int, gs: int, ge: int, pronoun: str) -> Mention | None:
    """The nearest person named before `pos` (outside quotations); in an introductory
    clause ('In April, on what he termed …, Trump imposed …') the main clause's subject."""
    text = doc.text
    first = _WORDS.search(text, gs, pos)
    end = max(ge, doc.sentence[1])
    if first is not None and first.group().lower() in _INTRODUCTORY:
        comma = text.find(",", pos, end)
        while comma != -1:
            names = doc.mentions_between(comma + 1, end)
            lead = text[comma + 1 : names[0].start].strip(' \u00a0"”»“') if names else "-"
            if names and not lead and doc.is_person(names[0]):
                return names[0]
            comma = text.find(",", comma + 1, end)
    return doc.person_before(pos, organisations=pronoun in PLURAL_PRONOUNS)


def _cjk_speaker(
    doc: _Doc, kind: str, cs: int, ce: int, gs: int, ge: int, quote: Quotation
) -> tuple[Mention | None, float]:
    text = doc.text
    if kind == "after":  # 据新华社报道
        m = re.match(r"[\u3400-\u9fffA-Za-z·]+?(?=报道|報導|消息|称|稱|，|,|$)", text[ce:ge])
        if m and m.group():
            return Mention(ce, ce + m.end(), "ORG"), 0.8
        return None, 0.0
    if kind == "before" or text[cs] == "と":
        # '田中首相は「…」と述べた': the topic before the quotation
        left_end = quote.open if kind != "before" or cs > quote.open else cs
        left_start = max(0, left_end - 40)
        return _cjk_subject(doc, left_start, left_end), 0.8
    return _cjk_subject(doc, gs, cs), 0.85


def _cjk_subject(doc: _Doc, start: int, end: int) -> Mention | None:
    """The CJK subject before a verb; a pronoun ('他') stands for the previous speaker."""
    m = _cjk_run(doc.text, start, end)
    if m is not None and doc.text[m.start : m.end] in CJK_PRONOUNS:
        earlier = [s for s in doc.speakers if s.end <= m.start]
        return earlier[-1] if earlier else None
    return m


def _cjk_run(text: str, start: int, end: int) -> Mention | None:
    chunk = text[start:end].rstrip(" ：:，,\u3000")
    while chunk and chunk.endswith(_CJK_PARTICLES):
        chunk = chunk[:-1]
    m = _CJK_RUN.search(chunk)
    if m is None:
        return None
    s = start + m.start()
    e = start + m.end()
    return Mention(s, e, "PERSON") if e > s else None


def _continued(
    doc: _Doc,
    previous: Attribution,
    start: int,
    end: int,
    group: list[Quotation],
    index: int,
) -> Attribution | None:
    """A sentence that is only a quotation right after an attributed one: same speaker."""
    quote = group[index]
    if (
        len(group) != 1
        or doc.text[start : quote.open].strip()
        or doc.text[quote.close + 1 : end].strip(" .,\n")
    ):
        return None
    between = doc.text[previous.quotation.close + 1 : quote.open]
    near = between.count("\n") <= 2 and len(between) <= 200
    only_attribution = not between.strip() or _LATIN_CUE.search(between) or _CJK_CUE.search(between)
    if not (near and only_attribution):
        return None
    return Attribution(quote, quote.start, quote.end, previous.speaker, previous.cue, 0.6)
