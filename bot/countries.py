"""Country codes to what a member reads: a flag and a name."""

from __future__ import annotations

from functools import lru_cache

import pycountry

_REGIONAL_INDICATOR_A = 0x1F1E6


def flag(code: str) -> str:
    """The flag emoji of an ISO 3166-1 alpha-2 code ("IT" -> 🇮🇹); empty for anything else."""
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        return ""
    return "".join(chr(_REGIONAL_INDICATOR_A + ord(ch) - ord("A")) for ch in code.upper())


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """The common English name of a country code ("KR" -> "South Korea"); the code itself if unknown."""
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def with_flag(code: str) -> str:
    """ "🇮🇹 Italy" """
    return f"{flag(code)} {country_name(code)}".strip()
