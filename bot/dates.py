"""Dates as members read them, in their language: a day, a month ("day not announced"), a year, or a range.

A date without a time is not an instant: shown through a Discord timestamp it would move to the previous day for
members west of UTC, so it is written out — with Babel's locale data (CLDR), so "4 March 2022", "March 4, 2022",
"4 mars 2022" and "4 de marzo de 2022" each come from their locale's own patterns, not from code here.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from babel.dates import format_date, format_skeleton, format_time, format_timedelta, parse_pattern
from babel.lists import format_list

from bot.dataset.model import ReleaseDate
from bot.i18n import babel_locale, current
from bot.text import t

_ABBREVIATED_MONTH = re.compile(r"(?<!M)MMM(?!M)")


def day(value: date) -> str:
    """ "4 March 2022", in the current locale's long date format."""
    return _day(current(), value)


def month(year: int, month_number: int) -> str:
    """ "March 2022", "mars 2022", "marzo de 2022". """
    return _month(current(), year, month_number)


# The dataset's few hundred dates are written again and again (every answer, every post): each is worked out once
# per locale, not through Babel's pattern lookups each time.
@lru_cache(maxsize=4096)
def _day(locale: str, value: date) -> str:
    return format_date(value, "long", locale=babel_locale(locale))


@lru_cache(maxsize=1024)
def _month(locale: str, year: int, month_number: int) -> str:
    return format_skeleton("yMMMM", date(year, month_number, 1), locale=babel_locale(locale))


def format_day(when: ReleaseDate) -> str:
    """A date as it is known: a day, a month ("day not announced") or a year."""
    if when.precision == "day":
        return day(when.first_day())
    if when.precision == "month":
        return t("precision.month", month=month(when.year, when.month or 1))
    return t("precision.year", year=when.year)


def day_range(start: ReleaseDate, end: ReleaseDate | None) -> str:
    """ "5–6 December 2026", "30 November – 2 December 2026", or one date when the range is one day."""
    if end is None or end == start:
        return format_day(start)
    if start.precision == end.precision == "day":
        return _interval(current(), start.first_day(), end.first_day())
    return f"{format_day(start)} – {format_day(end)}"


@lru_cache(maxsize=1024)
def _interval(locale_name: str, start: date, end: date) -> str:
    """CLDR's interval pattern for day, month and year, with the month in full as in `day()`: the locale's own
    full-month pattern ("5–6 de diciembre de 2026") where CLDR has one, else its abbreviated-month pattern with the
    month written out (Babel alone would give "5–6 déc. 2026")."""
    locale = babel_locale(locale_name)
    greatest = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    parts = _interval_patterns(locale_name, greatest)
    if parts is None:
        return f"{_day(locale_name, start)} – {_day(locale_name, end)}"
    pairs = zip(parts, (start, end), strict=True)
    return "".join(parse_pattern(pattern).apply(value, locale) for pattern, value in pairs)


@lru_cache(maxsize=64)
def _interval_patterns(locale_name: str, greatest: str) -> tuple[str, ...] | None:
    formats = babel_locale(locale_name).interval_formats
    full = formats.get("yMMMMd", {}).get(greatest)
    if full and len(full) == 2:
        return tuple(full)
    found = formats.get("yMMMd", {}).get(greatest)
    if not found or len(found) != 2:
        return None
    return tuple(_ABBREVIATED_MONTH.sub("MMMM", part) for part in found)


def disputed(when: ReleaseDate, days: tuple[date, ...]) -> str:
    """ "December 1999 (day disputed: 16 December or 23 December 1999)" """
    locale = babel_locale()
    if len({d.year for d in days}) == 1:
        listed = [format_skeleton("MMMMd", d, locale=locale) for d in days[:-1]] + [day(days[-1])]
    else:
        listed = [day(d) for d in days]
    period = month(when.year, when.month) if when.month else str(when.year)
    return t("precision.disputed", period=period, days=format_list(listed, style="or", locale=locale))


def instant_utc(instant: datetime) -> str:
    """An instant written out in UTC (the console's view of a Discord timestamp): "4 March 2022 09:00 UTC"."""
    moment = instant.astimezone(UTC)
    return t("console.utc", date=day(moment.date()),
             time=format_time(moment.time(), "short", locale=babel_locale()))


def relative(instant: datetime, now: datetime) -> str:
    """ "in 3 days", "dans 5 heures", "hace 2 días": the largest whole unit of days, hours and minutes, as Discord
    writes a relative timestamp (not weeks or months, which Babel would round to)."""
    seconds = (instant - now).total_seconds()
    amount, unit_seconds = abs(seconds), 60
    for size in (86400, 3600, 60):
        if amount >= size:
            unit_seconds = size
            break
    count = max(1, round(amount / unit_seconds))
    # Babel picks the largest unit whose value reaches `threshold`: with the delta a whole `count` of the unit chosen
    # above and the threshold that same count, every larger unit falls short and this one is taken.
    delta = timedelta(seconds=count * unit_seconds * (1 if seconds >= 0 else -1))
    return format_timedelta(delta, threshold=count, add_direction=True, locale=babel_locale())
