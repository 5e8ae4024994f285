"""Forgiving names: "Nations Cup", "nations-cup", "NC" and "coupe des nations" all mean one thing.

Only exact matches (after normalising case, accents, punctuation and spacing) resolve. A near miss is
never taken as an answer, because a wrong answer is worse than a question back: it gets suggestions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

MAX_NAME_LENGTH = 100
_NOT_WORD = re.compile(r"[\W_]+")  # letters and digits of any script are kept ("グランツーリスモ7")
_NOT_ASCII_WORD = re.compile(r"[^0-9a-z ]+")
_INVISIBLE = ("Cc", "Cf", "Co", "Cs", "Cn")  # control, format (zero-width, bidi), private, surrogate, unassigned


def normalise(text: str) -> str:
    """Case-, accent-, punctuation- and spacing-insensitive form: "Coupe des Nátions!" -> "coupe des nations".
    Full-width forms fold to their plain ones ("ＧＴ７" -> "gt7")."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    without_marks = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", without_marks).strip()


def slug_of(text: str) -> str:
    """A custom release's stable key: "Cup Final!" -> "cup-final". ASCII letters and digits, as every version has
    made them (a stored slug must keep matching its name); letters of other scripts only when there are no ASCII
    ones ("グランプリ" keeps its own)."""
    ascii_only = _NOT_ASCII_WORD.sub(" ", normalise(text)).strip()
    return (ascii_only or normalise(text)).replace(" ", "-")


def compact(text: str) -> str:
    """Like `normalise`, without spaces, so "gt7", "GT 7" and "GT-7" meet."""
    return normalise(text).replace(" ", "")


def clean_user_text(text: str) -> str:
    """Drop control and format characters (zero-width joiners, bidi overrides) and fold whitespace."""
    kept = "".join(
        " " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE
    )
    return " ".join(kept.split())


_MARKDOWN = re.compile(r"([\\*_~`|\[\]#])")
_LABEL_PUNCTUATION = set(" -+./&'’()!?,:")


def inert(text: str) -> str:
    """Admin text made safe to show in public posts: no markdown (escaped, shown as typed), no links (a scheme
    is broken so Discord does not make one), no mentions (@ is kept from pinging or rendering as one), no bidi
    or invisible characters (already dropped by `clean_user_text`)."""
    text = clean_user_text(text)
    text = _MARKDOWN.sub(r"\\\1", text)
    text = text.replace(":/", ":\u200b/")  # https:// → https:\u200b//, wherever the scheme starts
    return text.replace("@", "@\u200b").replace("<", "‹").replace(">", "›")


def label_text(text: str, limit: int) -> str:
    """A short label (a platform: "PS5", "PC", "Xbox Series X|S"): letters, digits and a little punctuation only,
    so it cannot carry a link, markup or a mention at all."""
    kept = "".join(ch for ch in clean_user_text(text)
                   if unicodedata.category(ch)[0] in "LN" or ch in _LABEL_PUNCTUATION or ch == "|")
    return " ".join(kept.replace("://", " ").split())[:limit].strip()


@dataclass(frozen=True)
class NameIndex:
    """Maps every accepted spelling of a thing to its key, and suggests keys for near misses."""

    exact: Mapping[str, str]
    labels: Mapping[str, str]  # key -> display name, for suggestions

    @classmethod
    def build(cls, entries: Iterable[tuple[str, str, Iterable[str]]]) -> NameIndex:
        """`entries` are (key, display name, every other accepted spelling)."""
        exact: dict[str, str] = {}
        labels: dict[str, str] = {}
        for key, label, spellings in entries:
            labels[key] = label
            for spelling in (key, label, *spellings):
                if spelling and compact(spelling):
                    exact.setdefault(compact(spelling), key)
        return cls(exact, labels)

    def lookup(self, text: str) -> str | None:
        return self.exact.get(compact(text))

    def suggest(self, text: str, limit: int = 3, cutoff: float = 60.0) -> list[str]:
        """Keys whose spellings come close to `text`, best first, without repeats."""
        query = normalise(text)
        if not query:
            return []
        matches = process.extract(
            query,
            {spelling: spelling for spelling in self.exact},
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=cutoff,
            limit=limit * 4,
        )
        keys: list[str] = []
        for spelling, _score, _ in matches:
            key = self.exact[spelling]
            if key not in keys:
                keys.append(key)
        return keys[:limit]

    def complete(self, text: str, limit: int = 25) -> list[str]:
        """Keys for autocomplete: prefix and substring matches first, then near matches."""
        query = compact(text)
        if not query:
            return list(self.labels)[:limit]
        ranked: list[str] = []
        for spelling, key in self.exact.items():
            if spelling.startswith(query) and key not in ranked:
                ranked.append(key)
        for spelling, key in self.exact.items():
            if query in spelling and key not in ranked:
                ranked.append(key)
        for key in self.suggest(text, limit=limit, cutoff=50.0):
            if key not in ranked:
                ranked.append(key)
        return ranked[:limit]
