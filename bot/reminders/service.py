"""What admins ask of reminders, in domain terms: subscribe, list, pause, settings, custom releases.

Every change re-plans the affected reminders and wakes the dispatcher, so a sooner reminder is never
left waiting behind a later one.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from bot.announcements import ANNOUNCE_AFTER, cancelled_key, is_decided, result_key
from bot.answer import Answer
from bot.dataset.model import Competition, Event, ReleaseDate, Season, Source
from bot.errors import BadInput, NotOnRecord
from bot.i18n import languages
from bot.names import clean_user_text, compact, label_text, slug_of
from bot.reasons import PAUSED_BY_ADMIN, Reason
from bot.reminders.announce import cancelled_answer, result_answer
from bot.reminders.model import (
    CustomRelease,
    GuildSettings,
    PlannedReminder,
    Subscription,
    SubscriptionStatus,
)
from bot.reminders.planner import due_at, parse_local_time, parse_offsets, parse_zone, release_moment
from bot.services import Services, Snapshot
from bot.store.dataset_rows import Announcement
from bot.store.reminder_rows import CapReached
from bot.text import t, template

log = logging.getLogger(__name__)

# Per-server caps: what one server can make the bot store and re-plan. At the caps a full re-plan of the server
# stays short (bench/RESULTS.md), so it never holds the write lock long enough to delay other servers' reminders.
MAX_SUBSCRIPTIONS_PER_GUILD = 50
MAX_CUSTOM_RELEASES_PER_GUILD = 50
MAX_PLANNED_PER_GUILD = 1000  # reminders waiting to be sent, across the server's subscriptions
MAX_CUSTOM_AHEAD = timedelta(days=5 * 365)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


TargetKind = Literal["release", "event", "result", "cancelled"]
# What a subscription may name besides one release or event: every upcoming World Series event, or results.
EVERY_EVENT, RESULTS = "events", "results"
EVENT_PREFIX = "event:"


@dataclass(frozen=True)
class ReleaseTarget:
    """One thing a reminder can be about: a release (the dataset's or a server's own), a World Series event, or an
    announcement (a season's result, an event's cancellation) that is posted once."""

    key: str
    subject: str  # what a subscription names: a game slug, "custom:<slug>", "event:<id>", or "results"
    title: str
    date: ReleaseDate
    time_utc: time | None
    platforms: tuple[str, ...]
    region: str
    # A short, stable name for it in a picker (Discord allows 100 characters; a custom slug can be longer).
    pick: str = ""
    kind: TargetKind = "release"
    event: Event | None = None  # a World Series event's own record: where and when, written in the post's language
    # An announcement: when it is due (it first appeared, or changed), its revision, and what it says — written when
    # it is posted, in the server's language: `says(correction)`, where a correction goes only to a channel that got
    # an earlier revision.
    due: datetime | None = None
    revision: int = 0
    since: datetime | None = None  # only subscriptions older than this get it (it is news, not history)
    says: Callable[[bool], Answer] | None = field(default=None, compare=False)
    correctable: bool = False  # it has a correction to say (a result changed after it was first posted)

    @property
    def choice_value(self) -> str:
        return self.pick or self.subject

    @property
    def announcement(self) -> bool:
        return self.kind in ("result", "cancelled")

    @property
    def release_on(self) -> str:
        """What a planned reminder records of its target: when this changes, the target moved (or an announcement
        has a new revision), and a reminder planned for the old one must not be posted for the new one."""
        if self.announcement:
            return f"rev{self.revision}"
        return self.date.iso() + (f"T{self.time_utc:%H:%M}" if self.time_utc else "")


@dataclass(frozen=True)
class Subscribed:
    subscription: Subscription
    subject_title: str | None
    settings: GuildSettings
    next_due: datetime | None


class ReminderService:
    def __init__(self, services: Services, on_change: Callable[[], None] = lambda: None) -> None:
        self.services = services
        self.rows = services.store.reminders
        self.clock = services.clock
        self.on_change = on_change  # the dispatcher's wake-up
        self._shared: tuple[Snapshot, list[ReleaseTarget]] | None = None

    # Targets -------------------------------------------------------------------------------------------

    async def targets(self, guild_id: int) -> list[ReleaseTarget]:
        customs = [_custom_target(c) for c in await self.rows.custom_releases(guild_id)]
        return [*await self._dataset_targets(), *customs]

    async def _dataset_targets(self) -> list[ReleaseTarget]:
        """The targets every server shares, built once per snapshot: a re-plan of every server after a load must
        not rebuild thousands of them per server. (What was announced changes only with a load, hence a snapshot.)"""
        snapshot = self.services.catalog
        if self._shared is None or self._shared[0] is not snapshot:
            found = [ReleaseTarget(r.key, game.slug, game.title, r.date, r.time_utc, r.platforms, r.region)
                     for game in snapshot.games.values() for r in game.releases]
            found += [_event_target(e) for e in snapshot.events if not e.cancelled]
            found += _announcement_targets(snapshot, await self.services.store.dataset.announcements())
            self._shared = (snapshot, found)
        return self._shared[1]

    async def resolve_subject(self, guild_id: int, text: str) -> tuple[str, str]:
        """(subject, title) for what an admin typed: "events" or "results", a World Series event, the server's
        own releases, then the dataset's."""
        wanted = compact(text)
        if wanted in _words("subject.events_words", EVERY_EVENT):
            return EVERY_EVENT, t("reminders.every_event")
        if wanted in _words("subject.results_words", RESULTS):
            return RESULTS, t("reminders.results")
        now = self.clock.now()
        events = self.services.catalog.events
        named = [e for e in events if text.strip() == e.key or wanted in (compact(e.id), compact(e.name))]
        if not named and len(wanted) >= 4:  # "World Finals" for "World Finals — Tokyo"
            named = [e for e in events if compact(e.name).startswith(wanted)]
        # "World Finals" names one every season: the next one (else the latest), as a member would mean it.
        for event in sorted(named, key=lambda e: (e.is_over(now), -e.season, e.start.date.first_day())):
            return event.key, f"{event.name} ({event.season})"
        for custom in await self.rows.custom_releases(guild_id):
            # Typed by hand ("Cup final"), or the value autocomplete sent ("custom:#12").
            if text.strip() in (custom.key, custom.choice_value) or wanted in (compact(custom.slug),
                                                                               compact(custom.name)):
                return custom.key, custom.name
        game = self.services.resolve_game(text)
        return game.slug, game.title

    # Planning ------------------------------------------------------------------------------------------

    def plan(self, subject: str | None, offsets: tuple[str, ...], settings: GuildSettings,
             targets: list[ReleaseTarget], *, created_at: datetime | None = None,
             notify_cancelled: bool = False) -> list[PlannedReminder]:
        """The reminders a subscription to `subject` (None: every release) with `offsets` should have.

        An announcement is planned once, at the moment it is due, and only for a subscription `created_at` before
        it appeared (None: a subscription being made now, to which nothing announced so far is news).
        """
        zone = parse_zone(settings.timezone)
        planned = []
        for target in targets:
            if target.announcement:
                if (_announces_to(subject, notify_cancelled, target) and created_at is not None
                        and target.since is not None and target.due is not None and created_at < target.since):
                    planned.append(PlannedReminder(target.key, "0", target.release_on, target.due, target.due,
                                                   catch_up=True))
                continue
            if not _matches(subject, target):
                continue
            release_on = target.release_on
            try:
                anchor = release_moment(target.date, target.time_utc, zone, settings.reminder_time)
                if anchor is None:
                    continue
                planned += [PlannedReminder(target.key, offset, release_on, anchor, due_at(anchor, offset, zone))
                            for offset in offsets]
            except (OverflowError, ValueError):
                log.warning("release %s (%s) cannot be planned in %s; skipped", target.key, release_on, zone)
        return planned

    async def _refuse_if_plans_overflow(self, guild_id: int, custom: CustomRelease) -> None:
        """A new or moved custom release re-plans every "all upcoming" subscription of the server: refuse it
        if that would pass the server's cap on planned reminders."""
        settings = await self.rows.settings(guild_id)
        targets = [x for x in await self.targets(guild_id) if x.key != custom.key] + [_custom_target(custom)]
        now = self.clock.now()
        planned = sum(1 for sub in await self.rows.subscriptions(guild_id)
                      for p in self._plan_of(sub, settings, targets) if p.due_at > now)
        if planned > MAX_PLANNED_PER_GUILD:
            raise BadInput(t("error.too_many_planned", limit=MAX_PLANNED_PER_GUILD))

    async def replan_guild(self, guild_id: int) -> None:
        settings = await self.rows.settings(guild_id)
        targets = await self.targets(guild_id)
        # Each subscription is planned against only what it could match (one game's releases, not all of them).
        by_subject: dict[str, list[ReleaseTarget]] = {}
        by_kind: dict[str, list[ReleaseTarget]] = {}
        for target in targets:
            by_subject.setdefault(target.subject, []).append(target)
            by_kind.setdefault(target.kind, []).append(target)
        announcements = [*by_kind.get("result", ()), *by_kind.get("cancelled", ())]
        now = self.clock.now()
        for sub in await self.rows.subscriptions(guild_id):
            if sub.target is None:
                relevant = by_kind.get("release", [])
            elif sub.target == EVERY_EVENT:
                relevant = [*by_kind.get("event", ()), *announcements]
            elif sub.target == RESULTS:
                relevant = announcements
            else:
                relevant = [*by_subject.get(sub.target, ()), *announcements]
            await self.rows.apply_plan(sub.id, self._plan_of(sub, settings, relevant), now)
        self.on_change()

    def _plan_of(self, sub: Subscription, settings: GuildSettings, targets: list[ReleaseTarget]) -> list[
            PlannedReminder]:
        return self.plan(sub.target, sub.offsets, settings, targets, created_at=sub.created_at,
                         notify_cancelled=sub.notify_cancelled)

    async def replan_all(self) -> None:
        """After a dataset load: a moved date moves its pending reminders; nothing fires for the old date."""
        for guild_id in sorted({s.guild_id for s in await self.rows.subscriptions()}):
            try:
                await self.replan_guild(guild_id)
            except Exception:  # one server's odd data must not keep the bot from starting for all
                log.exception("re-planning the reminders of guild %s failed", guild_id)

    # Subscriptions -------------------------------------------------------------------------------------

    async def subscribe(self, guild_id: int, channel_id: int, release: str | None, offsets: str | None,
                        role_id: int | None, by: int, *, notify_cancelled: bool = False) -> Subscribed:
        subject, title = (None, None) if release is None else await self.resolve_subject(guild_id, release)
        if subject == RESULTS and offsets and offsets.strip() not in ("", "0"):
            raise BadInput(t("error.results_no_offsets"))
        # Results are posted when they appear: offsets before them mean nothing.
        parsed_offsets = ("0",) if subject == RESULTS else parse_offsets(offsets)
        if notify_cancelled and not (subject == EVERY_EVENT or (subject or "").startswith(EVENT_PREFIX)):
            raise BadInput(t("error.cancelled_notice_events_only"))
        targets = await self.targets(guild_id)
        if subject is not None and subject not in (EVERY_EVENT, RESULTS):
            self._refuse_if_past(title or subject, [x for x in targets if x.subject == subject])
        settings = await self.rows.settings(guild_id)
        planned = self.plan(subject, parsed_offsets, settings, targets)
        try:
            subscription = await self.rows.add_subscription(
                guild_id, channel_id, subject, parsed_offsets, role_id, by, self.clock.now(), planned,
                limit=MAX_SUBSCRIPTIONS_PER_GUILD, reminder_limit=MAX_PLANNED_PER_GUILD,
                notify_cancelled=notify_cancelled)
        except CapReached as cap:
            raise _cap_error(cap) from None
        self.on_change()
        pending = [r.due_at for r in await self.rows.reminders(subscription.id) if r.state == "pending"]
        return Subscribed(subscription, title, settings, min(pending, default=None))

    def _refuse_if_past(self, title: str, releases: list[ReleaseTarget]) -> None:
        today = self.clock.now().date()
        if releases and all(r.date.last_day() < today for r in releases):
            latest = max(releases, key=lambda r: r.date.first_day())
            key = "error.event_past" if latest.kind == "event" else "error.release_past"
            raise NotOnRecord(t(key, title=title, date=latest.date.iso()))

    async def statuses(self, guild_id: int) -> list[SubscriptionStatus]:
        return await self.rows.statuses(guild_id)

    async def _owned(self, guild_id: int, subscription_id: int) -> Subscription:
        found = await self.rows.subscription(subscription_id, guild_id)
        if found is None:
            raise NotOnRecord(t("error.no_subscription", id=subscription_id))
        return found

    async def remove(self, guild_id: int, subscription_id: int) -> None:
        await self._owned(guild_id, subscription_id)
        await self.rows.remove_subscription(subscription_id, guild_id)
        self.on_change()

    async def pause(self, guild_id: int, subscription_id: int) -> None:
        await self._owned(guild_id, subscription_id)
        await self.rows.set_paused(subscription_id, Reason(PAUSED_BY_ADMIN).encode(), self.clock.now())
        self.on_change()

    async def resume(self, guild_id: int, subscription_id: int) -> None:
        await self._owned(guild_id, subscription_id)
        await self.rows.set_paused(subscription_id, None, self.clock.now())
        await self.replan_guild(guild_id)

    async def forget_channel(self, channel_id: int) -> None:
        if await self.rows.forget_channel(channel_id):
            log.info("channel %s deleted: its reminder subscriptions are removed", channel_id)
            self.on_change()

    async def forget_guild(self, guild_id: int) -> None:
        await self.rows.forget_guild(guild_id)
        log.info("left guild %s: its subscriptions, custom releases and settings are removed", guild_id)
        self.on_change()

    # Settings and custom releases ----------------------------------------------------------------------

    async def set_timezone(self, guild_id: int, zone: str, reminder_time: str | None) -> GuildSettings:
        current = await self.rows.settings(guild_id)
        parse_zone(zone)
        settings = dataclasses.replace(current, timezone=zone.strip(), reminder_time=(
            parse_local_time(reminder_time) if reminder_time else current.reminder_time))
        await self.rows.save_settings(settings, self.clock.now())
        await self.replan_guild(guild_id)
        return settings

    async def set_language(self, guild_id: int, language: str | None) -> GuildSettings:
        """The language of the server's posts: a catalogue language, or None to follow its Discord language."""
        if language is not None and language not in languages():
            raise BadInput(t("error.bad_language", text=clean_user_text(language)[:20],
                             languages=", ".join(f"`{code}`" for code in languages())))
        await self.rows.save_language(guild_id, language, self.clock.now())
        return await self.rows.settings(guild_id)

    async def save_custom(self, guild_id: int, name: str, day: str, at: str | None, platforms: str | None,
                          by: int) -> CustomRelease:
        cleaned = clean_user_text(name)[:100]
        slug = slug_of(cleaned)
        if not slug:
            raise BadInput(t("error.empty.name"))
        settings = await self.rows.settings(guild_id)
        zone = parse_zone(settings.timezone)
        today = self.clock.now().astimezone(zone).date()  # "today" is the server's today
        parsed_day = _strict_date(day)
        if parsed_day is None or parsed_day > today + MAX_CUSTOM_AHEAD:
            raise BadInput(t("error.bad_date", text=day.strip()[:20], years=MAX_CUSTOM_AHEAD.days // 365))
        time_utc = None
        if at:
            instant = datetime.combine(parsed_day, parse_local_time(at), tzinfo=zone).astimezone(UTC)
            if instant <= self.clock.now():
                raise BadInput(t("error.custom_past", zone=settings.timezone))
            parsed_day, time_utc = instant.date(), instant.time()
        elif parsed_day < today:
            raise BadInput(t("error.custom_past", zone=settings.timezone))
        # Platforms go into public posts: labels only (no links, markup or mentions can survive).
        names = tuple(label for p in (platforms or "").split(",") if (label := label_text(p, 20)))[:6]
        await self._refuse_if_plans_overflow(guild_id, CustomRelease(0, guild_id, slug, cleaned, parsed_day,
                                                                     time_utc, names))
        try:
            await self.rows.save_custom_release(guild_id, slug, cleaned, parsed_day, time_utc, names, by,
                                                self.clock.now(), limit=MAX_CUSTOM_RELEASES_PER_GUILD)
        except CapReached as cap:
            raise _cap_error(cap) from None
        await self.replan_guild(guild_id)
        return next(c for c in await self.rows.custom_releases(guild_id) if c.slug == slug)

    async def remove_custom(self, guild_id: int, name: str) -> str:
        wanted = compact(name)
        for custom in await self.rows.custom_releases(guild_id):
            if name.strip() == custom.choice_value or wanted in (compact(custom.slug), compact(custom.name)):
                await self.rows.delete_custom_release(guild_id, custom.slug)
                await self.replan_guild(guild_id)  # "every upcoming" subscriptions drop it too
                return custom.name
        raise NotOnRecord(t("error.no_custom_release", text=clean_user_text(name)[:40]))


def _cap_error(cap: CapReached) -> BadInput:
    key = {"reminder subscriptions": "error.too_many_subscriptions", "custom releases": "error.too_many_customs",
           "planned reminders": "error.too_many_planned"}[cap.what]
    return BadInput(t(key, limit=cap.limit))


def _strict_date(text: str) -> date | None:
    """YYYY-MM-DD only (Python also reads "20261220" and week dates; a member typing those meant something else)."""
    text = text.strip()
    if not _ISO_DAY.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@functools.cache
def _words(key: str, subject: str) -> frozenset[str]:
    """What an admin may type for `subject`, in any language pitwall speaks (an admin may type either)."""
    found = {compact(subject)}
    for code in languages():
        found |= {compact(word) for word in template(key, language=code).split(",") if compact(word)}
    return frozenset(found)


def _matches(subject: str | None, target: ReleaseTarget) -> bool:
    if subject is None:
        return target.kind == "release"
    if subject == EVERY_EVENT:
        return target.kind == "event"
    return target.subject == subject


def _announces_to(subject: str | None, notify_cancelled: bool, target: ReleaseTarget) -> bool:
    if target.kind == "result":
        return subject == RESULTS
    # A cancellation, to the event subscriptions that opted into one notice.
    return notify_cancelled and subject in (EVERY_EVENT, target.subject)


def _event_target(event: Event) -> ReleaseTarget:
    """An event as reminders see it: its exact start when a source gives one (as a UTC day and time), else its
    day, reminded at the server's reminder time like a release known by its day."""
    instant = event.start.instant()
    if instant is not None:
        day, at = ReleaseDate(instant.year, instant.month, instant.day), instant.time()
    else:
        day, at = event.start.date, None
    return ReleaseTarget(event.key, event.key, event.name, day, at, (), "", kind="event", event=event)


def _announcement_targets(snapshot: Snapshot, announced: dict[str, Announcement]) -> list[ReleaseTarget]:
    found = []
    for season in snapshot.seasons:
        entry = announced.get(result_key(season.year, season.competition))
        if entry is None or not is_decided(season):
            continue
        competition = snapshot.competitions[season.competition]
        sources = snapshot.sources_for([*season.sources, *(i for row in season.standing for i in row.sources)])
        says = functools.partial(_result_says, season, competition, sources)
        title = f"{season.year} {season.competition_name or competition.name}"
        found.append(_announcement(entry, "result", RESULTS, title, says, correctable=entry.revision > 0))
    for event in snapshot.events:
        entry = announced.get(cancelled_key(event.id))
        if entry is not None and event.cancelled:
            found.append(_announcement(entry, "cancelled", event.key, event.name,
                                       functools.partial(_cancelled_says, event)))
    return found


def _result_says(season: Season, competition: Competition, sources: dict[str, Source], correction: bool) -> Answer:
    return result_answer(season, competition, sources, correction=correction)


def _cancelled_says(event: Event, correction: bool) -> Answer:
    return cancelled_answer(event)


def _announcement(entry: Announcement, kind: TargetKind, subject: str, title: str, says: Callable[[bool], Answer],
                  *, correctable: bool = False) -> ReleaseTarget:
    due = (entry.changed_at if entry.revision else entry.first_seen_at) + ANNOUNCE_AFTER
    day = ReleaseDate(due.year, due.month, due.day)
    return ReleaseTarget(entry.key, subject, title, day, due.time(), (), "", kind=kind, due=due,
                         revision=entry.revision, since=entry.first_seen_at, says=says, correctable=correctable)


def _custom_target(custom: CustomRelease) -> ReleaseTarget:
    day = ReleaseDate(custom.date.year, custom.date.month, custom.date.day)
    return ReleaseTarget(custom.key, custom.key, custom.name, day, custom.time_utc, custom.platforms, "",
                         pick=custom.choice_value)

