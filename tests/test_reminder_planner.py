from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.dataset.model import ReleaseDate
from bot.errors import BadInput
from bot.reminders.planner import (
    due_at,
    parse_local_time,
    parse_offsets,
    parse_zone,
    release_moment,
)

PARIS, NEW_YORK, TOKYO = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")


def test_offsets_default_to_a_week_a_day_and_the_moment() -> None:
    assert parse_offsets(None) == ("7d", "1d", "0")
    assert parse_offsets("   ") == ("7d", "1d", "0")


def test_offsets_accept_weeks_days_hours_minutes_in_any_order_without_repeats() -> None:
    assert parse_offsets("2h, 0, 1w 7d,30m, 0d") == ("7d", "2h", "30m", "0")
    assert set(parse_offsets("48h, 2d")) == {"2d", "48h"}


@pytest.mark.parametrize("text", ["7 days", "-1d", "1y", "d", "1.5h", "<@&1>", "91d", "1,2,3,4,5,6,7,8,9"])
def test_malformed_or_excessive_offsets_are_refused_with_the_rule(text: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_offsets(text.replace("1,2,3,4,5,6,7,8,9", "1m,2m,3m,4m,5m,6m,7m,8m,9m"))
    assert "offset" in caught.value.message


def test_a_date_only_release_is_reminded_at_the_servers_reminder_time() -> None:
    moment = release_moment(ReleaseDate(2026, 12, 10), None, PARIS, time(9, 0))
    assert moment == datetime(2026, 12, 10, 8, 0, tzinfo=UTC)  # 09:00 CET


def test_an_exact_release_time_is_that_instant_whatever_the_zone() -> None:
    assert release_moment(ReleaseDate(2023, 11, 2), time(6, 0), TOKYO, time(9, 0)) == datetime(
        2023, 11, 2, 6, 0, tzinfo=UTC)


def test_a_release_known_only_by_month_or_year_gets_no_reminder_yet() -> None:
    assert release_moment(ReleaseDate(2027, 2), None, PARIS, time(9, 0)) is None
    assert release_moment(ReleaseDate(2028), None, PARIS, time(9, 0)) is None


def test_day_offsets_keep_the_wall_clock_across_the_spring_dst_change_in_paris() -> None:
    anchor = release_moment(ReleaseDate(2026, 3, 30), None, PARIS, time(9, 0))  # CEST, UTC+2
    assert anchor is not None and anchor == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    week_before = due_at(anchor, "7d", PARIS)  # 23 March, CET, UTC+1
    assert week_before == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)
    assert week_before.astimezone(PARIS).hour == 9


def test_day_offsets_keep_the_wall_clock_across_the_autumn_dst_change_in_new_york() -> None:
    anchor = release_moment(ReleaseDate(2026, 11, 2), None, NEW_YORK, time(9, 0))  # EST, UTC-5
    assert anchor is not None
    week_before = due_at(anchor, "7d", NEW_YORK)  # 26 October, still EDT, UTC-4
    assert week_before == datetime(2026, 10, 26, 13, 0, tzinfo=UTC)
    assert week_before.astimezone(NEW_YORK).hour == 9
    assert (anchor - week_before).total_seconds() == 7 * 86400 + 3600  # the night the clocks went back


def test_hour_offsets_are_exact_durations_even_across_a_dst_change() -> None:
    anchor = datetime(2026, 3, 29, 3, 0, tzinfo=UTC)  # 05:00 CEST, just after the change
    assert due_at(anchor, "2h", PARIS) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    # "48h" is 48 hours; "2d" is two days on the wall clock, 47 hours here.
    assert anchor - due_at(anchor, "48h", PARIS) == timedelta(hours=48)
    assert anchor - due_at(anchor, "2d", PARIS) == timedelta(hours=47)


def test_an_exact_time_in_the_repeated_autumn_hour_keeps_its_instant() -> None:
    anchor = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST, the second 01:30 in New York that night
    assert due_at(anchor, "0", NEW_YORK) == anchor
    assert due_at(anchor, "2h", NEW_YORK) == datetime(2026, 11, 1, 4, 30, tzinfo=UTC)


def test_zones_and_times_are_validated() -> None:
    assert str(parse_zone(" Europe/Paris ")) == "Europe/Paris"
    assert parse_local_time("18:30") == time(18, 30)
    for bad in ("Mars/Olympus", "CET+1", "", "../../etc/passwd"):
        with pytest.raises(BadInput, match="time zone"):
            parse_zone(bad)
    for bad in ("25:00", "9h", "", "12:60"):
        with pytest.raises(BadInput, match="time of day"):
            parse_local_time(bad)
