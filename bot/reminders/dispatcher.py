"""The dispatcher: sleeps until the next due reminder, claims it, posts it, marks it sent. Exactly once.

Durable: every reminder is a row. Claim → send with a nonce derived from the reminder → mark sent. A
process that dies between send and mark leaves the row claimed; the next start re-sends it with the same
nonce and `enforce_nonce`, so Discord returns the first message instead of posting a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.reminders.messages import OutgoingReminder, compose, is_late
from bot.reminders.model import Delivery
from bot.reminders.service import ReleaseTarget, ReminderService

log = logging.getLogger(__name__)

MAX_SLEEP = timedelta(days=1)  # re-check at least daily, whatever the next due time says
STALE_CLAIM = timedelta(minutes=10)  # far beyond any send, including discord.py's own retries


class DeliveryRefused(Exception):
    """Discord refused this channel (no access, no permission, gone): pause the subscription."""


class DeliveryRejected(Exception):
    """Discord rejected this message itself (400: AutoMod, invalid form): retrying would not help."""


class DeliveryFailed(Exception):
    """A transient failure (5xx, network, rate limit after retries): try again later."""


class Poster(Protocol):
    async def post(self, channel_id: int, message: OutgoingReminder, nonce: str) -> int | None:
        """Post and return the message id. Raises DeliveryRefused or DeliveryFailed."""
        ...


class Pacer:
    """Spaces sends evenly so a burst of due reminders stays under Discord's global limit (50/s)."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            if self._next > now:
                await asyncio.sleep(self._next - now)
            self._next = max(now, self._next) + self.interval


@dataclass
class DispatchStats:
    sent: int = 0
    missed: int = 0
    paused: int = 0
    retried: int = 0
    lateness: list[float] = field(default_factory=list)  # seconds between due and sent, per reminder


class ReminderDispatcher:
    def __init__(self, service: ReminderService, poster: Poster, *, grace: timedelta = timedelta(hours=6),
                 per_second: float = 40.0, concurrency: int = 32, batch: int = 64,
                 late_after: timedelta = timedelta(minutes=1)) -> None:
        self.service = service
        self.rows = service.rows
        self.clock = service.clock
        self.poster = poster
        self.grace = grace
        self.late_after = late_after
        self.batch = batch
        self.pacer = Pacer(per_second)
        self.stats = DispatchStats()
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.idle = asyncio.Event()  # set while sleeping with nothing due: tests and benchmarks wait on it

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="pitwall-reminders")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        """Something changed (added, moved, removed, resumed): look at the next due time again."""
        self.idle.clear()
        self._wake.set()

    async def recover(self) -> None:
        """Re-send what a previous process claimed but never confirmed, with the same nonces.

        Run before anything re-plans: a re-plan would give those rows a new generation, hence a new nonce.
        """
        try:
            await self._deliver(await self.rows.in_flight())
        except Exception:
            log.exception("re-sending reminders left in flight failed; they will be retried")

    async def _run(self) -> None:
        while True:
            try:
                await self._step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reminder dispatcher step failed; trying again shortly")
                await self._sleep_until(self.clock.now() + timedelta(seconds=5))

    async def _step(self) -> None:
        self._wake.clear()
        now = self.clock.now()
        # A claim nobody settled (the database refused the update): send again, same nonce.
        await self._deliver(await self.rows.in_flight(claimed_before=now - STALE_CLAIM))
        next_at = await self.rows.next_attempt_at()
        if next_at is None or next_at > now:
            if not self._wake.is_set():  # a change arrived meanwhile: look again before calling it idle
                self.idle.set()
            until = None if next_at is None else min(next_at, now + MAX_SLEEP)
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
        for guild_id in {d.subscription.guild_id for d in deliveries}:
            targets[guild_id] = {x.key: x for x in await self.service.targets(guild_id)}
        ordered = _round_robin_by_channel(deliveries)
        # Every delivery settles its own row, whatever happens to the others.
        await asyncio.gather(*(self._deliver_safely(d, targets[d.subscription.guild_id]) for d in ordered))

    async def _deliver_safely(self, delivery: Delivery, targets: dict[str, ReleaseTarget]) -> None:
        try:
            await self._deliver_one(delivery, targets)
        except asyncio.CancelledError:
            raise  # stopping: the row stays claimed and the next start re-sends it with the same nonce
        except Exception as exc:
            log.exception("reminder %s failed unexpectedly; retrying in a minute", delivery.reminder.id)
            with contextlib.suppress(Exception):
                await self.rows.retry_later(delivery.reminder, self.clock.now() + timedelta(minutes=1),
                                            f"internal error: {exc.__class__.__name__}")

    async def _deliver_one(self, delivery: Delivery, targets: dict[str, ReleaseTarget]) -> None:
        reminder, subscription = delivery.reminder, delivery.subscription
        async with self._slots:
            now = self.clock.now()
            if now - reminder.due_at > self.grace:
                await self.rows.mark_missed(reminder, f"due {reminder.due_at.isoformat()}, past the grace window")
                self.stats.missed += 1
                log.warning("reminder %s missed: due %s, now %s", reminder.id, reminder.due_at, now)
                return
            target = targets.get(reminder.release_key)
            if target is None:
                await self.rows.mark_cancelled(reminder, "the release is no longer on record")
                return
            # "Late" means the bot was not there when it fell due, not that Discord asked us to wait and retry.
            late = reminder.attempts <= 1 and is_late(reminder.due_at, now, self.late_after.total_seconds())
            message = compose(delivery, target, late=late)
            await self.pacer.wait()
            try:
                message_id = await self.poster.post(subscription.channel_id, message, reminder.nonce)
            except DeliveryRefused as refusal:
                await self.rows.hold_and_pause(reminder, subscription.id, str(refusal), self.clock.now())
                self.stats.paused += 1
                log.warning("subscription %s paused (guild %s, channel %s): %s", subscription.id,
                            subscription.guild_id, subscription.channel_id, refusal)
                return
            except DeliveryRejected as rejection:
                await self.rows.mark_missed(reminder, str(rejection))
                self.stats.missed += 1
                log.warning("reminder %s rejected by Discord (guild %s, channel %s): %s", reminder.id,
                            subscription.guild_id, subscription.channel_id, rejection)
                return
            except DeliveryFailed as failure:
                delay = timedelta(seconds=min(600, 5 * 2 ** min(reminder.attempts, 7)))
                await self.rows.retry_later(reminder, self.clock.now() + delay, str(failure))
                self.stats.retried += 1
                log.warning("reminder %s not delivered (%s); retrying in %s", reminder.id, failure, delay)
                self.wake()
                return
            sent_at = self.clock.now()
            await self.rows.mark_sent(reminder, message_id, sent_at)
            self.stats.sent += 1
            self.stats.lateness.append((sent_at - reminder.due_at).total_seconds())


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
