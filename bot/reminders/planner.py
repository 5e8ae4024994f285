"""When each reminder falls due: offsets, release moments, server time zones, DST.

Pure functions: no clock, no store. Whole days move the wall clock (a 09:00 reminder stays at 09:00 across
a DST change); hours and minutes are exact durations.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.dataset.model import ReleaseDate
from bot.errors import BadInput
from bot.text import t

DEFAULT_OFFSETS = "7d, 1d, 0"
MAX_OFFSETS = 8
MAX_OFFSET = timedelta(days=90)
_UNIT_SECONDS = {"h": 3600, "m": 60}
_OFFSET = re.compile(r"^(\d{1,4})([wdhm])$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_offsets(text: str | None) -> tuple[str, ...]:
    """ "7d, 1d, 2h, 0" -> canonical offsets ("1w" becomes "7d"), furthest first, without repeats.

    Days and hours stay distinct: "2d" keeps the wall-clock time across a DST change, "48h" is exactly 48 hours.
    """
    raw = (text or DEFAULT_OFFSETS).strip() or DEFAULT_OFFSETS
    tokens = [token.strip().lower() for token in re.split(r"[,\s]+", raw) if token.strip()]
    offsets: set[str] = set()
    for token in tokens:
        if token == "0":
            offsets.add("0")
            continue
        match = _OFFSET.match(token)
        if match is None:
            raise BadInput(t("error.bad_offsets", text=token[:20]))
        number, unit = int(match.group(1)), match.group(2)
        if unit == "w":
            number, unit = number * 7, "d"
        canonical = f"{number}{unit}" if number else "0"
        if offset_length(canonical) > MAX_OFFSET:
            raise BadInput(t("error.offset_too_far", text=token[:20], days=MAX_OFFSET.days))
        offsets.add(canonical)
    if len(offsets) > MAX_OFFSETS:
        raise BadInput(t("error.too_many_offsets", limit=MAX_OFFSETS))
    return tuple(sorted(offsets, key=offset_length, reverse=True))


def offset_parts(offset: str) -> tuple[int, int]:
    """(wall-clock days, exact seconds) of a canonical offset: "7d" -> (7, 0), "2h" -> (0, 7200)."""
    if offset == "0":
        return 0, 0
    number, unit = int(offset[:-1]), offset[-1]
    return (number, 0) if unit == "d" else (0, number * _UNIT_SECONDS[unit])


def offset_length(offset: str) -> timedelta:
    days, seconds = offset_parts(offset)
    return timedelta(days=days, seconds=seconds)


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    """Every IANA zone name (reading them walks the tz database, so once is enough)."""
    return frozenset(available_timezones())


@lru_cache(maxsize=256)
def parse_zone(text: str) -> ZoneInfo:
    name = text.strip()
    if name not in known_zones():
        raise BadInput(t("error.bad_timezone", text=name[:40]))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadInput(t("error.bad_timezone", text=name[:40])) from exc


def parse_local_time(text: str) -> time:
    match = _TIME.match(text.strip())
    if match is None:
        raise BadInput(t("error.bad_time", text=text.strip()[:20]))
    return time(int(match.group(1)), int(match.group(2)))


def release_moment(when: ReleaseDate, time_utc: time | None, zone: ZoneInfo, reminder_time: time) -> datetime | None:
    """The instant (UTC) a release is reminded against, or None when no day is known yet.

    An exact release time is that instant; a release known by its day is that day at the server's
    reminder time (default 09:00) in the server's zone.
    """
    if when.precision != "day":
        return None
    if time_utc is not None:
        return datetime.combine(when.first_day(), time_utc, tzinfo=UTC)
    return datetime.combine(when.first_day(), reminder_time, tzinfo=zone).astimezone(UTC)


def due_at(anchor: datetime, offset: str, zone: ZoneInfo) -> datetime:
    """`offset` before `anchor`: days on the server's wall clock, hours and minutes as exact time."""
    days, seconds = offset_parts(offset)
    if days == 0:
        # Pure arithmetic on the instant: no round trip through a wall clock that may repeat an hour.
        return anchor - timedelta(seconds=seconds)
    wall = anchor.astimezone(zone).replace(tzinfo=None) - timedelta(days=days)
    return wall.replace(tzinfo=zone).astimezone(UTC) - timedelta(seconds=seconds)
