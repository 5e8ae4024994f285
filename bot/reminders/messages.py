"""What a reminder says: an Answer (so it is an embed like every other reply), and who it may ping."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from bot.answer import Answer, Content, Moment, joined
from bot.names import inert
from bot.reminders.model import Delivery
from bot.reminders.service import ReleaseTarget
from bot.render import format_date
from bot.services import event_dates, place_of
from bot.text import t, tp


@dataclass(frozen=True)
class OutgoingReminder:
    answer: Answer
    role_id: int | None  # the only role this message may ping (the poster mentions it, and only it)


def _headline(target: ReleaseTarget, offset: str, days_ahead: int = 0) -> str:
    title = inert(target.title)  # a server's own release is admin text, and this post is public
    if target.time_utc is None and offset[-1:] in ("h", "m"):
        # Known by its day only: "in 2 hours" would claim a start time nobody announced.
        if days_ahead >= 1:
            return t("reminder.tomorrow", title=title)
        return t("reminder.event_today" if target.kind == "event" else "reminder.today", title=title)
    if offset == "0":
        if target.kind == "event":
            return t("reminder.event_now" if target.time_utc else "reminder.event_today", title=title)
        return t("reminder.now" if target.time_utc else "reminder.today", title=title)
    count, unit = int(offset[:-1]), offset[-1]
    if unit == "d":
        return t("reminder.tomorrow", title=title) if count == 1 else t("reminder.in_days", title=title, count=count)
    if unit == "h":
        return t("reminder.in_an_hour", title=title) if count == 1 else t("reminder.in_hours", title=title, count=count)
    return t("reminder.in_minutes", title=title, count=count)


def compose(delivery: Delivery, target: ReleaseTarget, *, late: bool, zone: tzinfo = UTC) -> OutgoingReminder:
    """The post for a claimed reminder; `zone` is the server's, for "today" and "tomorrow"."""
    reminder = delivery.reminder
    if target.says is not None:  # an announcement says what it says, whenever it is posted
        # A correction only to a channel that got an earlier revision: its row was re-armed after being posted
        # (a new generation). One never posted before gets the result as it now stands, plainly.
        said = target.says(target.correctable and reminder.generation > 0)
        body = dataclasses.replace(said, footer=t("reminder.footer", id=delivery.subscription.id))
        return OutgoingReminder(body, delivery.subscription.role_id)
    if target.event is not None:
        when: Content = (format_date(target.date, target.time_utc) if target.time_utc
                         else event_dates(target.event))
        lines: list[Content] = [tp("reminder.event_when", when=when),
                                t("reminder.event_where", place=place_of(target.event))]
    else:
        lines = [tp("reminder.release", when=format_date(target.date, target.time_utc))]
    if target.platforms:
        lines.append(t("reminder.platforms", platforms=", ".join(inert(p) for p in target.platforms)))
    if late:
        lines.append(tp("reminder.late", when=Moment(reminder.due_at.astimezone(UTC), "R")))
    answer = Answer(
        title=_headline(target, reminder.offset,
                        (reminder.anchor_at.astimezone(zone).date() - reminder.due_at.astimezone(zone).date()).days),
        description=joined(lines),
        footer=t("reminder.footer", id=delivery.subscription.id),
    )
    return OutgoingReminder(answer, delivery.subscription.role_id)


def is_late(due: datetime, now: datetime, threshold_seconds: float) -> bool:
    return (now - due).total_seconds() > threshold_seconds
