"""Every sentence a user reads, in one place, so that a language is one more table (see README, i18n).

Keys are stable identifiers; values are `str.format` templates. `t()` is the only way code gets a sentence.
"""

from __future__ import annotations

from typing import Any

EN: dict[str, str] = {
    # Errors a user can fix.
    "error.title": "Sorry, I can't answer that",
    "error.internal": "Something went wrong on my side. It has been logged; please try again in a moment.",
    "error.empty": "Please give a {what}.",
    "error.too_long": "That {what} is too long ({length} characters; at most {limit}).",
    "error.unknown_competition": "I don't know a competition called “{text}”.",
    "error.unknown_game": "I don't know a game called “{text}”.",
    "error.did_you_mean": "Did you mean {suggestions}?",
    "error.known_competitions": "Competitions on record: {names}.",
    "error.known_games_hint": "Try `/releases` for the full list, or start typing for suggestions.",
    "error.no_season": "There is no {competition} season on record for {year}.",
    "error.no_year": "There is no season on record for {year}.",
    "error.seasons_on_record": "Seasons on record: {first}–{last}.",
    "error.season_undecided": "The {year} {competition} season is not decided yet.",
    "error.future_year": "The {year} season has not been decided yet.",
    "error.bad_year": "“{text}” is not a year. Seasons on record: {first}–{last}.",
    "error.no_permission": "You need the {permission} permission to do that.",
    # Champions and podiums.
    "champion.title": "{year} champions",
    "champion.title_one": "{year} {competition} champion",
    "podium.title": "{year} {competition} — season podium",
    "podium.about": "About this result",
    "podium.standing_note": "The season standing (championship classification), not a single race.",
    "podium.final_race": "World Final race (not the standing)",
    "podium.undecided": "Not decided yet.",
    "podium.unconfirmed": "*not confirmed by our sources yet; we would rather say so than guess*",
    "members": "Drivers: {names}",
    "final": "World Final: {date}, {venue}",
    "final_date": "World Final: {date}",
    # Releases.
    "release.title": "{title}",
    "release.by": "{developer} / {publisher}",
    "release.worldwide": "Worldwide",
    "releases.title": "Gran Turismo release dates",
    "releases.upcoming": "Upcoming",
    "releases.recent": "Recent",
    "releases.none_upcoming": "No upcoming date on record.",
    "releases.more": "…and {count} more: ask `/release <game>` for one game.",
    "precision.month": "{month} {year} (day not announced)",
    "precision.year": "{year} (month not announced)",
    # About.
    "about.title": "About pitwall {version}",
    "about.description": "Gran Turismo esports champions, podiums and release dates, from a curated, cited dataset.",
    "about.coverage": "Coverage",
    "about.coverage_value": "{competitions}: seasons {first}–{last} ({seasons} season records). {games} games.",
    "about.updated": "Data last checked",
    "about.sources": "Sources",
    "about.sources_value": "{count} public sources; every fact is cited. Corrections: data/CORRECTIONS.md.",
    # Footer.
    "sources": "Sources: {sources}",
}

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

CATALOGS: dict[str, dict[str, str]] = {"en": EN}


def t(key: str, /, locale: str = "en", **values: Any) -> str:
    """The sentence `key` in `locale` (English where the locale has none), filled with `values`."""
    catalog = CATALOGS.get(locale.split("-")[0], EN)
    template = catalog.get(key) or EN[key]
    return template.format(**values)
