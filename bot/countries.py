"""Country codes to what a member reads: a flag, and the country's name in the reader's language (Babel's CLDR
territory names: "KR" is "South Korea", "Corée du Sud", "Corea del Sur")."""

from __future__ import annotations

from functools import lru_cache

from bot.i18n import babel_locale, current

_REGIONAL_INDICATOR_A = 0x1F1E6


def flag(code: str) -> str:
    """The flag emoji of an ISO 3166-1 alpha-2 code ("IT" -> 🇮🇹); empty for anything else."""
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        return ""
    return "".join(chr(_REGIONAL_INDICATOR_A + ord(ch) - ord("A")) for ch in code.upper())


def country_name(code: str, locale: str | None = None) -> str:
    """The country's name in `locale` (default: the current one); the code itself if unknown."""
    return _name(locale or current(), code)


@lru_cache(maxsize=2048)
def _name(locale: str, code: str) -> str:
    if len(code) != 2:
        return code
    return str(babel_locale(locale).territories.get(code.upper(), code))


def with_flag(code: str) -> str:
    """ "🇮🇹 Italy" """
    return f"{flag(code)} {country_name(code)}".strip()
