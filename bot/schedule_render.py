"""The World Series calendar as Answers: `/schedule` (a season, past and upcoming) and `/next`."""

from __future__ import annotations

from datetime import datetime

from bot.answer import Answer, Content, Field, Moment, concat, joined
from bot.countries import flag
from bot.dataset.model import Competition, Event, EventTime, Source
from bot.dates import format_day
from bot.render import footer_of, source_refs
from bot.services import Schedule, event_dates, place_of
from bot.text import t

KIND_MARK = {"qualifier": "🌐", "live": "🏁", "world-finals": "🏆"}


def when_of(event: Event) -> Content:
    """An exact start is an instant each member reads in their own zone; a day stays a day (see bot.dates)."""
    instant = event.start.instant()
    if instant is None:
        return event_dates(event)
    end = event.end.instant() if event.end else None
    if end is not None:
        return concat((Moment(instant, "F"),), " – ", (Moment(end, "F"),))
    if event.end is not None:  # an exact start, an end known only by its day
        return concat((Moment(instant, "F"),), " – ", format_day(event.end.date))
    return (Moment(instant, "F"),)


def _moved_note(event: Event) -> str:
    if event.moved_from is None:
        return ""
    before = _plain(event.moved_from)
    if event.moved_from_place:
        return t("schedule.moved_from_place", date=before, place=event.moved_from_place)
    return t("schedule.moved_from", date=before)


def _plain(when: EventTime) -> str:
    text = format_day(when.date)
    return f"{text}, {when.at:%H:%M} ({when.zone})" if when.at else text


def _results(event: Event, competitions: dict[str, Competition]) -> str:
    winners = []
    for result in event.results:
        if result.placing.position != 1:
            continue
        name = competitions[result.competition].name if result.competition in competitions else result.competition
        row = result.placing
        who = f"{flag(row.country)} **{row.name}**".strip()
        if row.members:
            who += " (" + ", ".join(f"{flag(m.country)} {m.name}".strip() for m in row.members) + ")"
        winners.append(t("schedule.winner", competition=name, winner=who))
    return "\n".join(winners)


def event_line(event: Event, competitions: dict[str, Competition], now: datetime) -> Content:
    mark = KIND_MARK.get(event.kind, "•")
    head = f"{mark} **{event.name}** · {place_of(event)}"
    if event.cancelled:
        line: Content = f"❌ ~~{event.name}~~ · {place_of(event)} · {event_dates(event)} · " + t("schedule.cancelled")
    else:
        # A past date is not proof the event took place: only a result on record says it did.
        state = t("schedule.no_results") if event.is_over(now) and not event.results else ""
        line = concat(head, " · ", when_of(event), f" · {state}" if state else "")
    extra = [x for x in (_moved_note(event), event.note and f"*{event.note}*", _results(event, competitions)) if x]
    return concat(line, "\n" + "\n".join(extra) if extra else "")


def schedule_answer(schedule: Schedule, competitions: dict[str, Competition], sources: dict[str, Source],
                    now: datetime) -> Answer:
    lines = [event_line(e, competitions, now) for e in schedule.events]
    upcoming = [e for e in schedule.events if not e.cancelled and not e.is_over(now)]
    footer_bits = [t("schedule.upcoming_count", count=len(upcoming)) if upcoming else t("schedule.season_over")]
    used = list(sources.values())
    footer = footer_of(used)
    return Answer(
        title=t("schedule.title", season=schedule.season),
        description=joined(lines, "\n\n"),
        sources=source_refs(used),
        footer=" · ".join([*footer_bits, footer] if footer else footer_bits),
    )


def next_answer(events: list[Event], competitions: dict[str, Competition], sources: dict[str, Source],
                now: datetime) -> Answer:
    if not events:
        return Answer(title=t("next.title"), description=t("next.none"))
    fields = []
    for event in events:
        start = event.start.instant() or event.start.day_start()
        relative: Content
        if start <= now:
            relative = t("next.under_way") if event.start.date.precision == "day" else ""
        else:  # a countdown to a month would count to its first day, a day nobody announced
            relative = (Moment(start, "R"),) if event.start.date.precision == "day" else ""
        served = ", ".join(c.name for c in sorted((competitions[s] for s in event.competitions if s in competitions),
                                                   key=lambda c: c.order))
        value = concat(when_of(event), concat(" · ", relative) if relative else "", f"\n{place_of(event)}",
                       f"\n{served}" if served else "")
        moved = _moved_note(event)
        fields.append(Field(f"{KIND_MARK.get(event.kind, '•')} {event.name}",
                            concat(value, f"\n{moved}" if moved else "")))
    used = list(sources.values())
    return Answer(title=t("next.title"), fields=tuple(fields), sources=source_refs(used), footer=footer_of(used))
