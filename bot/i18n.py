"""Which language a sentence is written in: one locale per question, carried by a context variable.

Every front sets it once where a question or a post starts — the interaction's locale, else the server's language,
else English (`choose`); the reminder dispatcher sets the server's around each post; the console takes `--locale`.
Everything below (`bot.text`, `bot.dates`, `bot.countries`) reads it; nothing passes a locale by hand. asyncio copies
the context into each task it creates, so two questions answered at once never see each other's locale.

Locales are Discord's codes ("fr", "es-ES", "en-US"). The language part picks the catalogue (`bot/locales/<lang>.po`);
the whole code picks Babel's locale data, so an en-US member reads "March 4, 2022" and an en-GB one "4 March 2022".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from babel import Locale, UnknownLocaleError

# pitwall's own English is British English; it is what a question without a locale (the console) reads.
DEFAULT_LOCALE = "en-GB"

_current: ContextVar[str] = ContextVar("pitwall_locale", default=DEFAULT_LOCALE)


def catalogues() -> Traversable:
    """The folder of `.po` files (inside the installed package, so a wheel carries them)."""
    return files("bot").joinpath("locales")


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    """The languages with a catalogue: one `.po` file each, so adding one is adding its file."""
    found = (entry.name.removesuffix(".po") for entry in catalogues().iterdir() if entry.name.endswith(".po"))
    return tuple(sorted(found))


@lru_cache(maxsize=64)
def language_of(locale: str) -> str:
    """ "es-ES" -> "es"; "pt-BR" -> "pt" (a catalogue may or may not exist for it)."""
    return locale.replace("_", "-").split("-")[0].lower()


def supported(locale: str | None) -> bool:
    return bool(locale) and language_of(locale or "") in languages()


def choose(*candidates: str | None) -> str:
    """The first candidate whose language has a catalogue, else English: the interaction's locale, then the server's
    chosen language, then its Discord preferred locale."""
    for candidate in candidates:
        if candidate and supported(candidate):
            return candidate
    return DEFAULT_LOCALE


def current() -> str:
    return _current.get()


def language() -> str:
    return language_of(_current.get())


def set_locale(locale: str) -> None:
    """For a task of its own (one question): the rest of the task reads `locale`."""
    _current.set(choose(locale))


@contextmanager
def using(locale: str | None) -> Iterator[str]:
    """Within the block, sentences, dates and names are in `locale` (English when it has no catalogue)."""
    chosen = choose(locale)
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def babel_locale(locale: str | None = None) -> Locale:
    """Babel's data (dates, lists, country names) for `locale`, or the current one; its language alone when Babel
    does not know the region, English when it knows neither."""
    return _parsed(locale or _current.get())


@lru_cache(maxsize=64)
def _parsed(locale: str) -> Locale:
    code = locale.replace("-", "_")
    for candidate in (code, language_of(code), "en_GB"):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    raise AssertionError("Babel always knows en_GB")


def language_name(locale: str) -> str:
    """The language of `locale`, named in the current language: "French", "français", "francés"."""
    return str(babel_locale().languages.get(language_of(locale), locale))
