"""When each reminder falls due: offsets, release moments, server time zones, DST.

Pure functions: no clock, no store. Whole days move the wall clock (a 09:00 reminder stays at 09:00 across
a DST change); hours and minutes are exact durations.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.dataset.model import ReleaseDate
from bot.errors import BadInput
from bot.text import t

DEFAULT_OFFSETS = "7d, 1d, 0"
MAX_OFFSETS = 8
MAX_OFFSET = timedelta(days=90)
_UNIT_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60}
_OFFSET = re.compile(r"^(\d{1,4})\s*([wdhm])$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_offsets(text: str | None) -> tuple[int, ...]:
    """ "7d, 1d, 2h, 0" -> seconds before the release, largest first, without repeats."""
    raw = (text or DEFAULT_OFFSETS).strip() or DEFAULT_OFFSETS
    tokens = [token.strip().lower() for token in re.split(r"[,\s]+", raw) if token.strip()]
    seconds: set[int] = set()
    for token in tokens:
        if token == "0":
            seconds.add(0)
            continue
        match = _OFFSET.match(token)
        if match is None:
            raise BadInput(t("error.bad_offsets", text=token[:20]))
        value = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        if value > MAX_OFFSET.total_seconds():
            raise BadInput(t("error.offset_too_far", text=token[:20], days=MAX_OFFSET.days))
        seconds.add(value)
    if len(seconds) > MAX_OFFSETS:
        raise BadInput(t("error.too_many_offsets", limit=MAX_OFFSETS))
    return tuple(sorted(seconds, reverse=True))


def format_offset(seconds: int) -> str:
    """The inverse of parse_offsets for one value: 604800 -> "7d", 7200 -> "2h", 0 -> "0"."""
    if seconds == 0:
        return "0"
    for unit in ("d", "h", "m"):
        if seconds % _UNIT_SECONDS[unit] == 0:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds // 60}m"


def parse_zone(text: str) -> ZoneInfo:
    name = text.strip()
    if name not in available_timezones():
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


def due_at(anchor: datetime, offset_seconds: int, zone: ZoneInfo) -> datetime:
    """`offset_seconds` before `anchor`: whole days on the server's wall clock, the rest as exact time."""
    days, rest = divmod(offset_seconds, 86400)
    wall = anchor.astimezone(zone).replace(tzinfo=None) - timedelta(days=days)
    return wall.replace(tzinfo=zone).astimezone(UTC) - timedelta(seconds=rest)
