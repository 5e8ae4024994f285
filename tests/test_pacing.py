"""Every counted REST request waits for the global pacer; interaction responses and webhooks, which Discord does not
count against the global limit, never do."""

from typing import Any

from discord.http import Route

from bot.adapter import pacing
from bot.reminders.dispatcher import Pacer


class CountingPacer(Pacer):
    def __init__(self) -> None:
        super().__init__(1e9)
        self.waits = 0

    async def wait(self) -> None:
        self.waits += 1


class FakeHTTP:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def request(self, route: Route, **kwargs: Any) -> Any:
        self.sent.append(route.path)
        return {"ok": True}


async def test_counted_routes_wait_and_interaction_responses_do_not() -> None:
    http, pacer = FakeHTTP(), CountingPacer()
    pacing.install(http, pacer)  # type: ignore[arg-type]
    assert await http.request(Route("POST", "/channels/{channel_id}/messages", channel_id=1)) == {"ok": True}
    await http.request(Route("PUT", "/applications/{application_id}/commands", application_id=2))
    await http.request(Route("POST", "/interactions/{interaction_id}/{interaction_token}/callback",
                             interaction_id=3, interaction_token="t"))
    await http.request(Route("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
                             webhook_id=4, webhook_token="t"))
    assert pacer.waits == 2 and len(http.sent) == 4
