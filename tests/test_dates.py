"""Dates as each locale writes them (Babel's CLDR data), never moved by a time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.dataset.model import ReleaseDate
from bot.dates import day_range, disputed, format_day, instant_utc, relative
from bot.i18n import using

DAY, MONTH = ReleaseDate(2022, 3, 4), ReleaseDate(2022, 3, None)
START, END = ReleaseDate(2026, 12, 5), ReleaseDate(2026, 12, 6)


@pytest.mark.parametrize(("locale", "day", "month_only", "same_month", "across_years"), [
    # CLDR's own spacing: thin spaces around the dash in English, and in French and Spanish between months.
    ("en-GB", "4 March 2022", "March 2022", "5\u2009–\u20096 December 2026",
     "30 December 2025\u2009–\u20092 January 2026"),
    ("en-US", "March 4, 2022", "March 2022", "December 5\u2009–\u20096, 2026",
     "December 30, 2025\u2009–\u2009January 2, 2026"),
    ("fr", "4 mars 2022", "mars 2022", "5–6 décembre 2026", "30 décembre 2025\u2009–\u20092 janvier 2026"),
    ("es-ES", "4 de marzo de 2022", "marzo de 2022", "5–6 de diciembre de 2026",
     "30 de diciembre de 2025\u2009–\u20092 de enero de 2026"),
])
def test_days_months_and_ranges_in_each_locale(locale: str, day: str, month_only: str, same_month: str,
                                               across_years: str) -> None:
    with using(locale):
        assert format_day(DAY) == day
        assert format_day(MONTH).startswith(month_only + " (")  # "(day not announced)", in the language
        assert day_range(START, END) == same_month
        assert day_range(ReleaseDate(2025, 12, 30), ReleaseDate(2026, 1, 2)) == across_years
        assert day_range(START, START) == format_day(START)


def test_disputed_days_are_listed_with_the_languages_or() -> None:
    days = (date(1999, 12, 16), date(1999, 12, 23))
    with using("fr"):
        assert "décembre 1999 (" in disputed(ReleaseDate(1999, 12, None), days)
        assert "16 décembre ou 23 décembre 1999)" in disputed(ReleaseDate(1999, 12, None), days)
    with using("es-ES"):
        assert "16 de diciembre o 23 de diciembre de 1999" in disputed(ReleaseDate(1999, 12, None), days)
    with using("en-GB"):
        assert disputed(ReleaseDate(1999, 12, None), days) == "December 1999 (day disputed: 16 December or " \
                                                               "23 December 1999)"


@pytest.mark.parametrize(("locale", "later", "earlier"), [
    ("en-GB", "in 10 days", "5 hours ago"),  # days, not "1 week": as Discord writes a relative timestamp
    ("fr", "dans 10 jours", "il y a 5 heures"),
    ("es-ES", "dentro de 10 días", "hace 5 horas"),
])
def test_relative_times_count_days_hours_or_minutes_in_each_language(locale: str, later: str, earlier: str) -> None:
    now = datetime(2026, 1, 1, 5, tzinfo=UTC)
    with using(locale):
        assert relative(datetime(2026, 1, 11, 5, tzinfo=UTC), now) == later
        assert relative(datetime(2026, 1, 1, tzinfo=UTC), now) == earlier


def test_the_console_writes_an_instant_in_utc_in_the_locales_style() -> None:
    instant = datetime(2022, 3, 4, 9, tzinfo=UTC)
    with using("en-GB"):
        assert instant_utc(instant) == "4 March 2022 09:00 UTC"
    with using("fr"):
        assert instant_utc(instant) == "4 mars 2022 09:00 UTC"
