"""Answers to the admin commands: subscriptions, settings, custom releases. Shown only to the admin."""

from __future__ import annotations

from datetime import UTC

from bot.answer import Answer, ChannelRef, Content, Field, Moment, RoleRef, concat, joined
from bot.dataset.model import ReleaseDate
from bot.i18n import language_name
from bot.names import inert
from bot.reasons import reason_text
from bot.reminders.model import CustomRelease, GuildSettings, SubscriptionStatus
from bot.reminders.service import RESULTS, Subscribed
from bot.render import format_date
from bot.text import t, tp


def private(title: str, text: Content) -> Answer:
    return Answer(title=title, description=text, private=True)


def _offsets(offsets: tuple[str, ...]) -> str:
    return ", ".join(offsets)


def subscribed_answer(result: Subscribed) -> Answer:
    sub = result.subscription
    target = result.subject_title or t("reminders.all_upcoming")
    if sub.target == RESULTS:
        text = tp("reminders.added_results", id=sub.id, target=f"**{target}**", channel=ChannelRef(sub.channel_id))
    else:
        text = tp("reminders.added", id=sub.id, target=f"**{target}**", channel=ChannelRef(sub.channel_id),
                  offsets=_offsets(sub.offsets), zone=result.settings.timezone)
    if sub.notify_cancelled:
        text = concat(text, " ", t("reminders.notice_on"))
    if sub.role_id:
        text = concat(text, " ", (RoleRef(sub.role_id),))
    next_due: Content = ((Moment(result.next_due.astimezone(UTC), "F"),) if result.next_due
                         else t("reminders.none_planned"))
    return Answer(title=t("reminders.added_title"), description=text,
                  fields=(Field(t("reminders.next"), next_due),), private=True)


def list_answer(statuses: list[SubscriptionStatus], titles: dict[str, str]) -> Answer:
    if not statuses:
        return private(t("reminders.list_title"), t("reminders.list_empty"))
    rows = []
    for status in statuses:
        sub = status.subscription
        target = inert(titles.get(sub.target or "", sub.target)) if sub.target else t("reminders.all_upcoming")
        role: Content = (" · ", RoleRef(sub.role_id)) if sub.role_id else ""
        lines: list[Content] = [tp("reminders.list_row", id=sub.id, channel=ChannelRef(sub.channel_id),
                                   target=target, offsets=_offsets(sub.offsets), role=role)]
        if sub.paused_reason:
            lines.append("  " + t("reminders.list_paused", reason=reason_text(sub.paused_reason)))
        when: Content = (Moment(status.next_due.astimezone(UTC), "R"),) if status.next_due else "—"
        lines.append(concat("  ", tp("reminders.list_next", when=when, sent=status.sent, missed=status.missed)))
        if status.unconfirmed:
            lines.append("  " + t("reminders.list_unconfirmed", count=status.unconfirmed))
        rows.append(joined(lines))
    return Answer(title=t("reminders.list_title_count", count=len(rows)), items=tuple(rows), private=True,
                  line="/reminders list")


def settings_answer(settings: GuildSettings) -> Answer:
    return private(t("settings.title"), t("settings.saved", zone=settings.timezone,
                                          time=settings.reminder_time.strftime("%H:%M")))


def custom_saved_answer(custom: CustomRelease) -> Answer:
    when = format_date(ReleaseDate(custom.date.year, custom.date.month, custom.date.day), custom.time_utc)
    return private(t("custom.saved_title"), tp("custom.saved", name=inert(custom.name), slug=custom.slug, when=when))


def custom_list_answer(customs: list[CustomRelease]) -> Answer:
    if not customs:
        return private(t("custom.list_title"), t("custom.list_empty"))
    rows = tuple(
        concat(f"**{inert(c.name)}** (`{c.slug}`) — ",
               format_date(ReleaseDate(c.date.year, c.date.month, c.date.day), c.time_utc),
               f" · {', '.join(inert(p) for p in c.platforms)}" if c.platforms else "")
        for c in customs
    )
    return Answer(title=t("custom.list_title_count", count=len(rows)), items=rows, private=True,
                  line="/custom-release list")


def language_answer(settings: GuildSettings) -> Answer:
    """The language of the server's posts: the admin's choice, or the server's Discord language."""
    name = language_name(settings.post_locale)
    key = "settings.language_saved" if settings.language else "settings.language_auto"
    return private(t("settings.language_title"), t(key, language=name))
