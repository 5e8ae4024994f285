"""The Discord scheduled events a server that opted in should have, from one snapshot and `now`: pure, no Discord.

One per upcoming World Series event known at least to the day, and one per dataset release known to the day (a
server's own releases are admin text and never become one). The adapter (`bot.adapter.scheduled_events`) makes
Discord match this plan; what is here decides only what each event says.

Times are never invented: an exact start or end is used as it is; a day without a time becomes the whole day in
the event's zone (UTC when it has none) and the description says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.dataset.model import Event, Game, Release
from bot.dates import day_range
from bot.services import Snapshot, place_of
from bot.text import t

# Well under Discord's 100 uncompleted events per server, which the server's own events share: the soonest are kept.
MAX_DISCORD_EVENTS_PER_GUILD = 25
NAME_LIMIT, DESCRIPTION_LIMIT, LOCATION_LIMIT = 100, 1000, 100
# The last line of every description: lets a sync adopt an event it created but could not remember (a crash
# between Discord's answer and the database write) instead of creating a second one.
MARKER_PREFIX = "pitwall:"

# Why a server's sync is paused: codes stored in the database, rendered by `pause_reason_text`.
MISSING_PERMISSIONS = "missing-permissions"
CAP_REACHED = "cap-reached"
PAUSE_REASONS = (MISSING_PERMISSIONS, CAP_REACHED)

DesiredStatus = Literal["scheduled", "cancelled"]


@dataclass(frozen=True)
class DesiredEvent:
    """One scheduled event as pitwall would send it (instants in UTC, texts within Discord's limits)."""

    subject_key: str  # "event:<id>" or a release key: what the event is about, stable across dataset loads
    name: str
    description: str
    location: str
    start: datetime
    end: datetime
    status: DesiredStatus = "scheduled"

    @property
    def digest(self) -> str:
        """A fingerprint of everything sent: equal digests mean there is nothing to PATCH."""
        sent = [self.name, self.description, self.location, self.start.isoformat(), self.end.isoformat(),
                self.status]
        return hashlib.sha256(json.dumps(sent).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Plan:
    """What a server's Discord events should be.

    `events`: soonest first, at most the cap of scheduled ones (cancelled ones are only ever edited, never created,
    and do not count: Discord's cap counts scheduled and active events). `known`: every subject the data still
    has, whatever its state (started, over, past the cap): a Discord event for a subject outside it is for
    something the data no longer has.
    """

    events: tuple[DesiredEvent, ...]
    known: frozenset[str]

    def get(self, subject_key: str) -> DesiredEvent | None:
        return next((e for e in self.events if e.subject_key == subject_key), None)


def marker(subject_key: str) -> str:
    return MARKER_PREFIX + subject_key


def marked_subject(description: str | None) -> str | None:
    """The subject key in a description pitwall wrote (its last line), or None."""
    if not description:
        return None
    last = description.rstrip().rsplit("\n", 1)[-1].strip()
    return last[len(MARKER_PREFIX):] if last.startswith(MARKER_PREFIX) and len(last) > len(MARKER_PREFIX) else None


def plan(snapshot: Snapshot, now: datetime, *, cap: int = MAX_DISCORD_EVENTS_PER_GUILD) -> Plan:
    """The scheduled events for a server at `now`. An item whose start has passed is left out (Discord refuses a
    start in the past, and an event under way is left as it is); so is one not known to the day."""
    known = {e.key for e in snapshot.events}
    candidates: list[DesiredEvent] = []
    for event in snapshot.events:
        if event.start.date.precision == "day" and not event.is_over(now):
            candidates.append(_for_event(snapshot, event))
    for game in snapshot.games.values():
        for release in game.releases:
            known.add(release.key)
            if release.date.precision == "day":
                candidates.append(_for_release(snapshot, game, release))
    ahead = sorted((c for c in candidates if c.start > now), key=lambda c: (c.start, c.subject_key))
    scheduled = [c for c in ahead if c.status == "scheduled"][:cap]
    kept = {c.subject_key for c in scheduled}
    chosen = [c for c in ahead if c.subject_key in kept or c.status == "cancelled"]
    return Plan(tuple(chosen), frozenset(known))


def pause_reason_text(code: str) -> str:
    """What a stored pause reason code means, for the admin."""
    return t(f"discord_events.paused.{code}") if code in PAUSE_REASONS else code


# Events ----------------------------------------------------------------------------------------------------------

def _for_event(snapshot: Snapshot, event: Event) -> DesiredEvent:
    last = event.end or event.start
    zone_name = last.zone or event.start.zone
    exact_start, exact_end = event.start.instant(), last.instant() if event.end else None
    start = exact_start or event.start.day_start()
    end = exact_end or _end_of_day(event.last_day(), zone_name)
    names = [snapshot.competitions[c].name for c in event.competitions if c in snapshot.competitions]
    place = place_of(event)
    lines = [t("discord_events.series", season=event.season, competitions=", ".join(names)) if names
             else t("discord_events.series_only", season=event.season),
             t("discord_events.where", place=place)]
    if exact_start is None:
        lines.append(t("discord_events.all_day", dates=day_range(event.start.date, last.date if event.end else None),
                       zone=zone_name or "UTC"))
    elif exact_end is None:
        lines.append(t("discord_events.end_not_announced"))
    if event.moved_from is not None:
        moved = day_range(event.moved_from.date, None)
        lines.append(t("schedule.moved_from_place", date=moved, place=event.moved_from_place)
                     if event.moved_from_place else t("schedule.moved_from", date=moved))
    if event.cancelled:
        lines.append(t("discord_events.cancelled"))
    if event.note:
        lines.append(event.note)
    location = place[:1].upper() + place[1:]
    return DesiredEvent(event.key, _fit(event.name, NAME_LIMIT),
                        _description(lines, snapshot, event.sources, event.key), _fit(location, LOCATION_LIMIT),
                        start, _after(start, end), "cancelled" if event.cancelled else "scheduled")


# Releases --------------------------------------------------------------------------------------------------------

def _for_release(snapshot: Snapshot, game: Game, release: Release) -> DesiredEvent:
    day = release.date.first_day()
    exact = release.instant()
    start = exact or datetime.combine(day, time(0, 0), tzinfo=UTC)
    worldwide = release.region.casefold() == "worldwide"
    key = "discord_events.early_access_name" if release.early_access else "discord_events.release_name"
    name = t(key, title=game.title) + ("" if worldwide else f" ({release.region})")
    lines = [t("discord_events.release", title=game.title,
               region=t("discord_events.worldwide") if worldwide else release.region)]
    if release.platforms:
        lines.append(t("reminder.platforms", platforms=", ".join(release.platforms)))
    if exact is None:
        lines.append(t("discord_events.release_all_day"))
    if release.note:
        lines.append(release.note)
    location = ", ".join(release.platforms) or t("discord_events.online")
    return DesiredEvent(release.key, _fit(name, NAME_LIMIT), _description(lines, snapshot, release.sources,
                                                                          release.key),
                        _fit(location, LOCATION_LIMIT), start, _after(start, _end_of_day(day, "")))


# Helpers ---------------------------------------------------------------------------------------------------------

def _end_of_day(day: date, zone_name: str) -> datetime:
    """23:59 of `day` where it happens (UTC when the zone is not known), as an instant in UTC."""
    zone = ZoneInfo(zone_name) if zone_name else UTC
    return datetime.combine(day, time(23, 59), tzinfo=zone).astimezone(UTC)


def _after(start: datetime, end: datetime) -> datetime:
    # Discord refuses an end that is not after the start (an exact start at 23:59 on a day-only end).
    return end if end > start else start + timedelta(minutes=1)


def _description(lines: list[str], snapshot: Snapshot, sources: Iterable[str], subject_key: str) -> str:
    """The lines, the first source's canonical address, and the marker last; shortened to fit, marker kept."""
    url = next((s.url for s in snapshot.sources_for(sources).values() if s.url and not s.citation_only), "")
    if url:
        lines = [*lines, t("discord_events.source", url=url)]
    tail = "\n\n" + marker(subject_key)
    return _fit("\n".join(lines), DESCRIPTION_LIMIT - len(tail)) + tail


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
