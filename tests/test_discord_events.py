"""The Discord scheduled events a server should have, planned from the mini dataset (NOW is 2026-11-29 12:00 UTC)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from bot.core import Core
from bot.dataset.model import Event, EventTime
from bot.discord_events import (
    DESCRIPTION_LIMIT,
    MAX_DISCORD_EVENTS_PER_GUILD,
    NAME_LIMIT,
    DesiredEvent,
    marked_subject,
    marker,
    pause_reason_text,
    plan,
)
from bot.services import Snapshot
from tests.conftest import NOW, utc

# The store and scheduler suites: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends


def with_events(snapshot: Snapshot, events: list[Event]) -> Snapshot:
    return Snapshot(list(snapshot.competitions.values()), list(snapshot.seasons), list(snapshot.games.values()),
                    list(snapshot.sources.values()), events, snapshot.clock)


def by_key(events: tuple[DesiredEvent, ...]) -> dict[str, DesiredEvent]:
    return {e.subject_key: e for e in events}


async def test_upcoming_events_and_releases_known_to_the_day_are_planned_soonest_first(core: Core) -> None:
    planned = plan(core.services.catalog, NOW)
    assert [e.subject_key for e in planned.events] == [
        "event:2026-online-showdown", "event:2026-round-3", "event:2026-world-finals", "future-racer:jp"]
    # Past events, a month-only event and month- or year-only releases are known but not planned.
    assert {"event:2026-round-1", "event:2027-online-1", "future-racer:worldwide", "someday-racer:worldwide",
            "gran-turismo-7:worldwide"} <= planned.known


async def test_a_day_only_event_is_its_whole_days_in_its_zone_and_says_so(core: Core) -> None:
    finals = by_key(plan(core.services.catalog, NOW).events)["event:2026-world-finals"]
    assert finals.name == "World Finals" and finals.location == "Tokyo, Japan"
    assert finals.start == utc(2026, 12, 4, 15)  # 5 December 00:00 in Tokyo
    assert finals.end == utc(2026, 12, 6, 14, 59)  # 6 December 23:59 in Tokyo
    assert "times not announced; all day (Asia/Tokyo)" in finals.description
    assert "Nations Cup, Manufacturers Cup" in finals.description
    assert "Source: https://example.org/calendar" in finals.description
    assert finals.description.endswith("\n" + marker("event:2026-world-finals"))
    assert finals.status == "scheduled"


async def test_exact_times_are_used_as_given_and_online_is_the_location(core: Core) -> None:
    showdown = by_key(plan(core.services.catalog, NOW).events)["event:2026-online-showdown"]
    assert (showdown.start, showdown.end) == (utc(2026, 12, 1, 18), utc(2026, 12, 1, 20))
    assert showdown.location == "Online"
    assert "times not announced" not in showdown.description


async def test_a_cancelled_event_is_planned_as_cancelled(core: Core) -> None:
    sydney = by_key(plan(core.services.catalog, NOW).events)["event:2026-round-3"]
    assert sydney.status == "cancelled"
    assert (sydney.start, sydney.end) == (utc(2026, 12, 2), utc(2026, 12, 2, 23, 59))  # no zone: UTC


async def test_a_release_with_a_day_is_that_whole_day_in_utc_on_its_platforms(core: Core) -> None:
    release = by_key(plan(core.services.catalog, NOW).events)["future-racer:jp"]
    assert release.name == "Future Racer — release (JP)" and release.location == "PS5"
    assert (release.start, release.end) == (utc(2026, 12, 10), utc(2026, 12, 10, 23, 59))
    assert "Time not announced; all day (UTC)." in release.description
    assert "Source: https://example.org/press" in release.description


async def test_an_event_whose_start_has_passed_is_left_out_but_still_known(core: Core) -> None:
    planned = plan(core.services.catalog, utc(2026, 12, 5, 1))  # the World Finals are under way
    assert "event:2026-world-finals" not in by_key(planned.events)
    assert "event:2026-world-finals" in planned.known
    assert list(by_key(planned.events)) == ["future-racer:jp"]


async def test_the_digest_changes_with_what_is_sent_and_only_then(core: Core) -> None:
    snapshot = core.services.catalog
    first = by_key(plan(snapshot, NOW).events)["event:2026-world-finals"]
    assert by_key(plan(snapshot, NOW + timedelta(hours=1)).events)["event:2026-world-finals"].digest == first.digest
    moved = [dataclasses.replace(e, start=EventTime.parse("2026-12-12", "Asia/Tokyo"),
                                 end=EventTime.parse("2026-12-13", "Asia/Tokyo"))
             if e.id == "2026-world-finals" else e for e in snapshot.events]
    again = by_key(plan(with_events(snapshot, moved), NOW).events)["event:2026-world-finals"]
    assert again.start == utc(2026, 12, 11, 15) and again.digest != first.digest


async def test_an_exact_start_without_an_end_ends_with_its_day_and_says_so(core: Core) -> None:
    snapshot = core.services.catalog
    events = [dataclasses.replace(e, start=EventTime.parse("2026-12-01T18:00", "UTC"), end=None)
              if e.id == "2026-online-showdown" else e for e in snapshot.events]
    showdown = by_key(plan(with_events(snapshot, events), NOW).events)["event:2026-online-showdown"]
    assert (showdown.start, showdown.end) == (utc(2026, 12, 1, 18), utc(2026, 12, 1, 23, 59))
    assert "End time not announced" in showdown.description


async def test_texts_fit_discords_limits_and_keep_the_marker(core: Core) -> None:
    snapshot = core.services.catalog
    events = [dataclasses.replace(e, name="N" * 300, note="x" * 3000, venue="V" * 200)
              if e.id == "2026-world-finals" else e for e in snapshot.events]
    finals = by_key(plan(with_events(snapshot, events), NOW).events)["event:2026-world-finals"]
    assert len(finals.name) == NAME_LIMIT and finals.name.endswith("…")
    assert len(finals.description) <= DESCRIPTION_LIMIT and len(finals.location) <= 100
    assert marked_subject(finals.description) == "event:2026-world-finals"


async def test_at_most_the_cap_of_scheduled_events_the_soonest_kept(core: Core) -> None:
    snapshot = core.services.catalog
    template = next(e for e in snapshot.events if e.id == "2026-world-finals")
    many = [dataclasses.replace(template, id=f"2027-day-{i:02d}", start=EventTime.parse(f"2027-01-{i:02d}"),
                                end=None) for i in range(1, 31)]
    planned = plan(with_events(snapshot, [*snapshot.events, *many]), NOW)
    scheduled = [e for e in planned.events if e.status == "scheduled"]
    assert len(scheduled) == MAX_DISCORD_EVENTS_PER_GUILD
    assert scheduled[0].subject_key == "event:2026-online-showdown"
    assert scheduled[-1].subject_key == "event:2027-day-22"  # 3 sooner scheduled ones, then 22 days of January
    assert "event:2026-round-3" in by_key(planned.events)  # a cancelled one does not count
    assert "event:2027-day-30" in planned.known


def test_the_marker_is_read_back_only_from_the_last_line() -> None:
    assert marked_subject("Hello\n\npitwall:event:x") == "event:x"
    assert marked_subject("pitwall:event:x\nsomething else") is None
    assert marked_subject("pitwall:") is None
    assert marked_subject(None) is None


def test_pause_reasons_are_codes_shown_as_sentences() -> None:
    assert "Create Events" in pause_reason_text("missing-permissions")
    assert "100" in pause_reason_text("cap-reached")
