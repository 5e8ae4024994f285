"""The one code path from a question to an Answer, shared by the Discord cogs and the console.

Each method takes option values as a user typed them and returns an Answer, or raises a UserError
whose message is the polite reply. Neither front adds logic of its own.
"""

from __future__ import annotations

from bot import render
from bot.answer import Answer
from bot.dataset.model import Source
from bot.services import Services


class Questions:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def champion(self, year: int, competition: str | None = None) -> Answer:
        resolved = self.services.resolve_competition(competition) if competition is not None else None
        seasons = await self.services.champions(year, resolved)
        sources = await self._sources([i for s in seasons for i in s.sources])
        return render.champions_answer(seasons, self.services.catalog.competitions, sources)

    async def podium(self, competition: str, year: int | None = None) -> Answer:
        resolved = self.services.resolve_competition(competition)
        season = await self.services.podium(resolved, year)
        ids = list(season.sources) + [i for row in season.standing + season.final_race for i in row.sources]
        return render.podium_answer(season, resolved, await self._sources(ids))

    async def release(self, game: str) -> Answer:
        found = self.services.resolve_game(game)
        parent = self.services.catalog.games.get(found.parent) if found.parent else None
        sources = await self._sources([i for r in found.releases for i in r.sources])
        return render.release_answer(found, sources, parent)

    async def releases(self) -> Answer:
        return render.timeline_answer(self.services.timeline())

    async def about(self) -> Answer:
        return render.about_answer(self.services.coverage())

    async def _sources(self, ids: list[str]) -> dict[str, Source]:
        return {s.id: s for s in await self.services.sources_for(ids)}
