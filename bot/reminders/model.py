"""Reminder rows as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.i18n import choose, language_of
from bot.reminders.states import ReminderState

CUSTOM_PREFIX = "custom:"


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    timezone: str = "UTC"
    reminder_time: time = time(9, 0)
    language: str | None = None  # an admin's choice (`/settings language`); None follows the server's Discord one
    discord_locale: str | None = None  # the server's Discord preferred locale, as last reported

    @property
    def post_locale(self) -> str:
        """The language of the server's reminders and announcements: the admin's choice, else Discord's."""
        if self.language and self.discord_locale and language_of(self.discord_locale) == self.language:
            return choose(self.discord_locale)  # English chosen in an en-GB server: British dates
        return choose(self.language, self.discord_locale)


@dataclass(frozen=True)
class CustomRelease:
    id: int
    guild_id: int
    slug: str
    name: str
    date: date
    time_utc: time | None
    platforms: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{CUSTOM_PREFIX}{self.slug}"

    @property
    def choice_value(self) -> str:
        """What a picker sends back for it: short whatever the name (a slug can outgrow Discord's 100 characters
        when normalising lengthens it, as "ß" → "ss" does), and stable while the release exists."""
        return f"{CUSTOM_PREFIX}#{self.id}"


@dataclass(frozen=True)
class Subscription:
    id: int
    guild_id: int
    channel_id: int
    target: str | None  # a game slug, "custom:<slug>", or None for every upcoming release
    offsets: tuple[str, ...]  # canonical offsets before the release ("7d", "2h", "0"), furthest first
    role_id: int | None
    created_by: int
    created_at: datetime
    paused_reason: str | None = None
    paused_at: datetime | None = None
    notify_cancelled: bool = False  # an event subscription's opt-in to one notice when an event is cancelled


@dataclass(frozen=True)
class PlannedReminder:
    release_key: str
    offset: str
    release_on: str  # the release's own date (and UTC time): a change here means the release moved
    anchor_at: datetime  # the release moment, UTC
    due_at: datetime
    # An announcement is due the moment it appears: created (or re-armed, for a correction) even though that
    # moment has just passed, where a reminder would only be created ahead of its time.
    catch_up: bool = False


@dataclass(frozen=True)
class Reminder:
    id: int
    subscription_id: int
    release_key: str
    offset: str
    release_on: str
    anchor_at: datetime
    due_at: datetime
    attempt_at: datetime
    state: ReminderState
    generation: int
    attempts: int
    sent_at: datetime | None
    message_id: int | None
    last_error: str | None
    first_sent_at: datetime | None = None  # when this generation's nonce was first used (see states.NONCE_TRUST)

    def nonce(self, install: str) -> str:
        """Derived from the reminder's identity: a resend after a crash is the same message to Discord.

        `install` is this database's random id: Discord deduplicates nonces per bot, and two databases on one
        token (staging and production, a restored backup) have the same reminder ids. At most 25 characters.
        """
        return f"{install}{self.id}g{self.generation}"


@dataclass(frozen=True)
class Delivery:
    """A claimed reminder with the subscription it belongs to: one message to post."""

    reminder: Reminder
    subscription: Subscription


@dataclass(frozen=True)
class SubscriptionStatus:
    subscription: Subscription
    next_due: datetime | None
    pending: int
    sent: int
    missed: int
    unconfirmed: int = 0  # posted or not, nobody can tell (see bot.reminders.states): for the admin to check
