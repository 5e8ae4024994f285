"""Dates as members read them: a day, a month ("day not announced"), a year, or a range of days.

A date without a time is not an instant: shown through a Discord timestamp it would move to the previous day for
members west of UTC, so it is written out.
"""

from __future__ import annotations

from datetime import date

from bot.dataset.model import ReleaseDate
from bot.text import MONTHS_EN, t


def format_day(when: ReleaseDate) -> str:
    """A date as it is known: a day, a month ("day not announced") or a year."""
    if when.precision == "day":
        return f"{when.day} {MONTHS_EN[(when.month or 1) - 1]} {when.year}"
    if when.precision == "month":
        return t("precision.month", month=MONTHS_EN[(when.month or 1) - 1], year=when.year)
    return t("precision.year", year=when.year)


def day_range(start: ReleaseDate, end: ReleaseDate | None) -> str:
    """ "5–6 December 2026", "30 November – 2 December 2026", or one date when the range is one day."""
    if end is None or end == start:
        return format_day(start)
    if start.precision == end.precision == "day":
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{format_day(end)}"
        if start.year == end.year:
            return f"{start.day} {MONTHS_EN[(start.month or 1) - 1]} – {format_day(end)}"
    return f"{format_day(start)} – {format_day(end)}"


def disputed(when: ReleaseDate, days: tuple[date, ...]) -> str:
    """ "May 1998 (day disputed: 1 May or 14 May 1998)" """
    listed = [f"{d.day} {MONTHS_EN[d.month - 1]}" for d in days]
    days_text = ", ".join(listed[:-1]) + " or " + listed[-1] if len(listed) > 1 else "".join(listed)
    return t("precision.disputed", period=_period(when), days=days_text, year=days[-1].year)


def _period(when: ReleaseDate) -> str:
    return f"{MONTHS_EN[(when.month or 1) - 1]} {when.year}" if when.month else str(when.year)
