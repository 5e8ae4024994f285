"""The dispatcher: sleeps until the next due reminder, claims it, posts it, marks it sent. Exactly once.

Durable: every reminder is a row, moved only by the transitions of `bot.reminders.states`. Claim → send with a
nonce derived from the reminder and this database's install id → mark sent. A process that dies between send and
mark leaves the row claimed; the next start re-sends it with the same nonce and `enforce_nonce` while Discord still
remembers the nonce (so it returns the first message instead of posting a second), and marks it unconfirmed after
that, since a re-send could then post twice. A mark the database refuses is retried, never replaced by a re-send.
A stop lets the sends under way finish and releases the claims not yet sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.i18n import set_locale
from bot.reasons import AWAITING_REPLAN, INTERNAL_ERROR, OUTCOME_UNKNOWN, PAST_GRACE, RELEASE_GONE, Reason
from bot.reminders.messages import OutgoingReminder, compose, is_late
from bot.reminders.model import Delivery, Reminder
from bot.reminders.planner import parse_zone
from bot.reminders.service import ReleaseTarget, ReminderService
from bot.reminders.states import DEFERRED, NONCE_TRUST, RELEASED, UNCONFIRMED

log = logging.getLogger(__name__)

MAX_SLEEP = timedelta(days=1)  # re-check at least daily, whatever the next due time says
SETTLE_RETRY = timedelta(seconds=5)  # how soon a mark the database refused is tried again


class DeliveryProblem(Exception):
    """Why a post did not go through, as a Reason: stored as its code, never as a sentence."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(str(reason))
        self.reason = reason


class DeliveryRefused(DeliveryProblem):
    """Discord refused this channel (no access, no permission, gone): pause the subscription."""


class DeliveryRejected(DeliveryProblem):
    """Discord rejected this message itself (400: AutoMod, invalid form): retrying would not help."""


class DeliveryFailed(DeliveryProblem):
    """A transient failure (5xx, network, rate limit after retries): try again later."""


@dataclass(frozen=True)
class ServerTerms:
    """What a server's posts are written in: its time zone (for "today", "tomorrow") and its language."""

    zone: ZoneInfo
    locale: str


class Poster(Protocol):
    async def post(self, channel_id: int, message: OutgoingReminder, nonce: str) -> int | None:
        """Post and return the message id. Raises DeliveryRefused or DeliveryFailed."""
        ...


# The share of Discord's global limit the pacer uses: evenly spaced sends, with room for jitter on the way (a
# request that arrives late next to one that arrives on time), so that no second ever holds one too many.
GLOBAL_LIMIT_SHARE = 0.97
PACER_SLACK_S = 0.005
LATE_EDGE_MARGIN = 1.0  # requests a second, per process beyond the first (see shared_pace)


class Pacer:
    """Spaces sends evenly so a burst of due reminders stays under Discord's global limit.

    Discord limits a bot to 50 requests a second across all routes (more for bots Discord has raised), and does not
    report that limit ahead (only a 429 says it was passed); per-channel buckets are reported in each response's
    headers and discord.py already waits on those. So the pace is the bot's documented global limit, less a margin
    (`GLOBAL_LIMIT_SHARE`): requests go out at 97 % of the limit, evenly, without a 429. The Discord bot puts one
    pacer in front of all its REST requests (`bot.adapter.pacing`); the dispatcher's own is for other posters.
    """

    def __init__(self, per_second: float, *, slots: tuple[Collection[int], int] | None = None) -> None:
        self.interval = 0.0 if math.isinf(per_second) else 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()
        # Several processes share the bot's limit: `per_second` is the whole bot's pace, on a grid of slots in wall
        # clock time, and this process sends only in the slots `(owned, of)` gives it (slot k when k % of is owned).
        # Processes that never see each other then never send in one slot: together they keep the pace of one.
        self.slots = (frozenset(slots[0]), slots[1]) if slots and self.interval else None

    async def wait(self) -> None:
        if self.slots is not None:
            return await self._wait_for_slot(*self.slots)
        async with self._lock:
            now = time.monotonic()
            if self._next > now:
                await asyncio.sleep(self._next - now)
            # Counted from when this send really goes, less a little slack: a wake-up a millisecond late (the usual
            # timer overshoot) costs nothing, but a stall must not let the next sends follow at once, since a pair
            # closer than the interval is how one second ends up with one request too many.
            self._next = max(time.monotonic() - PACER_SLACK_S, self._next) + self.interval


    async def _wait_for_slot(self, owned: frozenset[int], of: int) -> None:
        async with self._lock:
            at = next_slot(time.time(), self._next, self.interval, owned, of)
            delay = at - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            self._next = at + self.interval / 2  # the next send takes a later slot, never this one again


def shared_pace(limit: float, owned: Collection[int], of: int) -> float:
    """The bot's pace when its shards are spread over processes (about `of / len(owned)` of them), for Pacer's slots.

    Each other process may send one request late, at the edge of a second that is otherwise full (a stall of a few
    milliseconds): measured, two processes at the single-process pace met 0-5 global 429s a burst. So each process
    beyond the first leaves LATE_EDGE_MARGIN requests a second of the pace unused."""
    processes = math.ceil(of / max(len(owned), 1))
    return max(limit * GLOBAL_LIMIT_SHARE - LATE_EDGE_MARGIN * (processes - 1), limit * GLOBAL_LIMIT_SHARE / 2)


def next_slot(now: float, earliest: float, interval: float, owned: frozenset[int], of: int) -> float:
    """The first slot at or after both `now` and `earliest` that this process owns: slot k is at k × interval (wall
    clock seconds), and is owned when k % of is in `owned`."""
    k = math.ceil(max(now, earliest) / interval)
    for _ in range(of):
        if k % of in owned:
            break
        k += 1
    return k * interval


@dataclass
class DispatchStats:
    sent: int = 0
    missed: int = 0
    paused: int = 0
    retried: int = 0
    lateness: list[float] = field(default_factory=list)  # seconds between due and sent, per reminder


class ReminderDispatcher:
    def __init__(self, service: ReminderService, poster: Poster, *, grace: timedelta = timedelta(hours=6),
                 per_second: float = 50.0 * GLOBAL_LIMIT_SHARE, concurrency: int = 32, batch: int = 200,
                 late_after: timedelta = timedelta(minutes=1)) -> None:
        self.service = service
        self.rows = service.rows
        self.clock = service.clock
        self.poster = poster
        self.grace = grace
        self.late_after = late_after
        self.batch = batch
        self.per_second = per_second
        self.pacer = Pacer(per_second)
        self.stats = DispatchStats()
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.idle = asyncio.Event()  # set while sleeping with nothing due: tests and benchmarks wait on it
        self.install = ""  # this database's random id, part of every nonce (read in recover)
        self._active: set[int] = set()  # reminders this process has claimed and not yet settled
        self._posting: set[int] = set()  # of those, the ones whose post request is under way
        # Posts that went out but whose mark the database refused: retried until recorded (never re-sent).
        self._unsettled: dict[int, Callable[[], Awaitable[bool]]] = {}
        self._stopping = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="pitwall-reminders")

    async def stop(self, wait_s: float = 10.0) -> None:
        """Stop claiming; let the sends under way finish (up to `wait_s` seconds) and release the claims not sent
        yet, so a clean stop leaves nothing claimed."""
        self._stopping = True
        self.wake()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), wait_s)
            except TimeoutError:
                log.warning("reminder sends did not finish within %.0f s; the next start resolves them", wait_s)
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
                # Claims still waiting for a slot were never sent: give them back. Those being posted stay
                # claimed, for the next start to re-send with their nonce or mark unconfirmed.
                unsent = self._active - self._posting
                with contextlib.suppress(Exception):
                    if unsent and await self.rows.release_claims(unsent):
                        log.info("gave back %d unsent reminder claim(s)", len(unsent))
            self._task = None

    def wake(self) -> None:
        """Something changed (added, moved, removed, resumed): look at the next due time again."""
        self.idle.clear()
        self._wake.set()

    async def recover(self) -> None:
        """Resolve what a previous process claimed but never settled: re-send, with the same nonces, the claims
        recent enough for Discord to deduplicate; mark the older ones unconfirmed (a re-send could post twice).

        Run before anything re-plans: a re-plan would give those rows a new generation, hence a new nonce.
        """
        now = self.clock.now()
        self.install = await self.rows.install_id(now)
        try:
            unconfirmed = await self.rows.unconfirm_claims(now - NONCE_TRUST)
            if unconfirmed:
                log.warning("%d reminder(s) claimed over %s ago by a stopped process are unconfirmed: they may or may"
                            " not have been posted, and are not sent again", unconfirmed, NONCE_TRUST)
            await self._deliver(await self.rows.in_flight())  # what is left is recent enough to re-send
        except Exception:
            log.exception("resolving reminders left in flight failed; the next start tries again")

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self._step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reminder dispatcher step failed; trying again shortly")
                await self._sleep_until(self.clock.now() + timedelta(seconds=5))
        if self._unsettled:  # one last try to record what was posted before stopping
            await self._record_unsettled()

    async def _step(self) -> None:
        self._wake.clear()
        now = self.clock.now()
        if self._unsettled:
            await self._record_unsettled()
        if self._stopping:
            return
        next_at = await self.rows.next_attempt_at()
        if next_at is None or next_at > now:
            if not self._wake.is_set() and not self._unsettled:  # a change arrived: look again before idling
                self.idle.set()
            until = None if next_at is None else min(next_at, now + MAX_SLEEP)
            if self._unsettled:
                until = min(until or now + SETTLE_RETRY, now + SETTLE_RETRY)
            await self._sleep_until(until)
            return
        self.idle.clear()
        await self._deliver(await self.rows.claim_due(now, self.batch))

    async def _sleep_until(self, until: datetime | None) -> None:
        """Sleep until `until` (forever if None), or until woken."""
        waiters: set[asyncio.Future[object]] = {asyncio.ensure_future(self._wake.wait())}
        if until is not None:
            waiters.add(asyncio.ensure_future(self.clock.sleep_until(until)))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _deliver(self, deliveries: list[Delivery]) -> None:
        if not deliveries:
            return
        targets: dict[int, dict[str, ReleaseTarget]] = {}
        terms: dict[int, ServerTerms] = {}
        try:
            for guild_id in {d.subscription.guild_id for d in deliveries}:
                targets[guild_id] = {x.key: x for x in await self.service.targets(guild_id)}
                settings = await self.rows.settings(guild_id)
                terms[guild_id] = ServerTerms(parse_zone(settings.timezone), settings.post_locale)
        except Exception:
            # Nothing was sent: give the claims back rather than leave them claimed until a restart.
            log.exception("could not read the releases of %d claimed reminder(s); giving them back", len(deliveries))
            await self.rows.release_claims(d.reminder.id for d in deliveries)
            raise
        ordered = _round_robin_by_channel(deliveries)
        # Every delivery settles its own row, whatever happens to the others.
        await asyncio.gather(*(self._deliver_safely(d, targets[d.subscription.guild_id], terms[d.subscription.guild_id])
                               for d in ordered))

    async def _record_unsettled(self) -> None:
        for reminder_id, record in list(self._unsettled.items()):
            try:
                await record()
            except Exception:
                log.exception("reminder %s was posted but still cannot be recorded; retrying in %s", reminder_id,
                              SETTLE_RETRY)
            else:
                log.info("reminder %s: its delivery is recorded now", reminder_id)
                del self._unsettled[reminder_id]
                self._active.discard(reminder_id)

    async def _record(self, reminder: Reminder, record: Callable[[], Awaitable[bool]]) -> None:
        """Record how a delivery ended; if the database refuses, keep retrying (a re-send could post twice)."""
        try:
            await record()
        except Exception:
            log.exception("reminder %s: the database refused to record its delivery; retrying in %s (it is not "
                          "sent again)", reminder.id, SETTLE_RETRY)
            self._unsettled[reminder.id] = record
            self.wake()
        else:
            self._active.discard(reminder.id)

    async def _deliver_safely(self, delivery: Delivery, targets: dict[str, ReleaseTarget], terms: ServerTerms) -> None:
        # Each delivery runs in its own task (gather), so this sets the language of this post alone: what compose
        # writes and what the poster adds (the embed's "Sources", "…and N more") are both the server's.
        set_locale(terms.locale)
        self._active.add(delivery.reminder.id)
        try:
            await self._deliver_one(delivery, targets, terms)
        except asyncio.CancelledError:
            raise  # stopping hard: the row stays claimed and the next start resolves it
        except Exception as exc:
            log.exception("reminder %s failed unexpectedly; retrying in a minute", delivery.reminder.id)
            retry_at = self.clock.now() + timedelta(minutes=1)
            error = Reason(INTERNAL_ERROR, {"error": exc.__class__.__name__}).encode()
            await self._record(delivery.reminder, lambda: self.rows.retry_later(delivery.reminder, retry_at, error))

    async def _post(self, delivery: Delivery, message: OutgoingReminder) -> int | None:
        """Post, noting the reminder as being posted meanwhile: a hard stop must not give back a claim whose
        post may have reached Discord (a cancelled post stays noted)."""
        reminder = delivery.reminder
        self._posting.add(reminder.id)
        try:
            message_id = await self.poster.post(delivery.subscription.channel_id, message, reminder.nonce(self.install))
        except Exception:
            self._posting.discard(reminder.id)
            raise
        self._posting.discard(reminder.id)
        return message_id

    async def _deliver_one(self, delivery: Delivery, targets: dict[str, ReleaseTarget], terms: ServerTerms) -> None:
        reminder, subscription = delivery.reminder, delivery.subscription
        async with self._slots:
            now = self.clock.now()
            if now - reminder.due_at > self.grace:
                reason = Reason(PAST_GRACE, {"due": reminder.due_at.isoformat()}).encode()
                await self._record(reminder, lambda: self.rows.mark_missed(reminder, reason))
                self.stats.missed += 1
                log.warning("reminder %s missed: due %s, now %s", reminder.id, reminder.due_at, now)
                return
            target = targets.get(reminder.release_key)
            if target is None:
                await self._record(reminder, lambda: self.rows.mark_cancelled(reminder, RELEASE_GONE))
                return
            if target.release_on != reminder.release_on:
                # Planned for what the data said before a reload whose re-plan has not reached this row yet: posting
                # now would say the new thing at the old time (or twice, once the re-plan re-arms it).
                retry_at = self.clock.now() + SETTLE_RETRY
                await self._record(reminder, lambda: self.rows.settle(reminder, DEFERRED, _iso(retry_at),
                                                                      AWAITING_REPLAN))
                return
            # "Late" means the bot was not there when it fell due, not that Discord asked us to wait and retry.
            late = reminder.attempts <= 1 and is_late(reminder.due_at, now, self.late_after.total_seconds())
            message = compose(delivery, target, late=late, zone=terms.zone)
            await self.pacer.wait()
            if self._stopping:  # not sent: give the claim back, for the next start
                await self._record(reminder, lambda: self.rows.settle(reminder, RELEASED, None))
                return
            first = reminder.first_sent_at
            if reminder.attempts > 1 and first is not None and self.clock.now() - first > NONCE_TRUST:
                # An earlier try (a timeout, a 5xx) may have posted it, and Discord no longer knows the nonce.
                await self._record(reminder, lambda: self.rows.settle(reminder, UNCONFIRMED, OUTCOME_UNKNOWN))
                log.warning("reminder %s: an earlier send may have been posted and its nonce window is over; "
                            "marked unconfirmed, not sent again", reminder.id)
                return
            try:
                message_id = await self._post(delivery, message)
            except DeliveryRefused as refusal:
                paused_at, reason = self.clock.now(), refusal.reason.encode()
                await self._record(reminder, lambda: self.rows.hold_and_pause(reminder, subscription.id, reason,
                                                                              paused_at))
                self.stats.paused += 1
                log.warning("subscription %s paused (guild %s, channel %s): %s", subscription.id,
                            subscription.guild_id, subscription.channel_id, refusal)
                return
            except DeliveryRejected as rejection:
                rejected = rejection.reason.encode()
                await self._record(reminder, lambda: self.rows.mark_missed(reminder, rejected))
                self.stats.missed += 1
                log.warning("reminder %s rejected by Discord (guild %s, channel %s): %s", reminder.id,
                            subscription.guild_id, subscription.channel_id, rejection)
                return
            except DeliveryFailed as failure:
                delay = timedelta(seconds=min(600, 5 * 2 ** min(reminder.attempts, 7)))
                retry_at, failed = self.clock.now() + delay, failure.reason.encode()
                await self._record(reminder, lambda: self.rows.retry_later(reminder, retry_at, failed))
                self.stats.retried += 1
                log.warning("reminder %s not delivered (%s); retrying in %s", reminder.id, failure, delay)
                self.wake()
                return
            sent_at = self.clock.now()
            await self._record(reminder, lambda: self.rows.mark_sent(reminder, message_id, sent_at))
            self.stats.sent += 1
            self.stats.lateness.append((sent_at - reminder.due_at).total_seconds())


def _iso(instant: datetime) -> str:
    return instant.isoformat()


def _round_robin_by_channel(deliveries: list[Delivery]) -> list[Delivery]:
    """One per channel in turn. discord.py holds a send until its channel's bucket resets once the bucket is
    spent (5 per 5 s), so taking a channel's messages back to back would stall every delivery slot."""
    queues: dict[int, list[Delivery]] = {}
    for delivery in deliveries:
        queues.setdefault(delivery.subscription.channel_id, []).append(delivery)
    ordered: list[Delivery] = []
    while queues:
        for channel_id in list(queues):
            ordered.append(queues[channel_id].pop(0))
            if not queues[channel_id]:
                del queues[channel_id]
    return ordered
