"""The one code path from a question to an Answer, shared by the Discord cogs and the console.

Each method takes option values as a user typed them and returns an Answer, or raises a UserError
whose message is the polite reply. Neither front adds logic of its own.
"""

from __future__ import annotations

import dataclasses

from bot import render
from bot.answer import Answer, FollowUp
from bot.dataset.model import Source
from bot.services import Services
from bot.text import t


class Questions:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def champion(self, year: int, competition: str | None = None) -> Answer:
        resolved = self.services.resolve_competition(competition) if competition is not None else None
        seasons = await self.services.champions(year, resolved)
        sources = await self._sources([i for s in seasons for i in s.sources])
        answer = render.champions_answer(seasons, self.services.catalog.competitions, sources)
        everything = FollowUp(t("nav.all_competitions"), f"/champion {year}", current=resolved is None)
        others = self._competitions_decided_in(year, "/champion {year} {slug}", resolved.slug if resolved else None)
        return dataclasses.replace(answer, alternatives=(everything, *others) if others else ())

    async def podium(self, competition: str, year: int | None = None) -> Answer:
        resolved = self.services.resolve_competition(competition)
        season = await self.services.podium(resolved, year)
        ids = list(season.sources) + [i for row in season.standing + season.final_race for i in row.sources]
        answer = render.podium_answer(season, resolved, await self._sources(ids))
        years = self.services.catalog.concluded.get(resolved.slug, ())
        before = [y for y in years if y < season.year]
        after = [y for y in years if y > season.year]
        neighbours = []
        if before:
            neighbours.append(FollowUp(t("nav.previous", year=before[-1]), f"/podium {resolved.slug} {before[-1]}"))
        if after:
            neighbours.append(FollowUp(t("nav.next", year=after[0]), f"/podium {resolved.slug} {after[0]}"))
        others = self._competitions_decided_in(season.year, "/podium {slug} {year}", resolved.slug)
        return dataclasses.replace(answer, neighbours=tuple(neighbours), alternatives=others if len(others) > 1 else ())

    async def release(self, game: str) -> Answer:
        found = self.services.resolve_game(game)
        parent = self.services.catalog.games.get(found.parent) if found.parent else None
        sources = await self._sources([i for r in found.releases for i in r.sources])
        return render.release_answer(found, sources, parent)

    async def releases(self) -> Answer:
        return render.timeline_answer(self.services.timeline())

    async def about(self) -> Answer:
        return render.about_answer(self.services.coverage())

    def _competitions_decided_in(self, year: int, line: str, current: str | None) -> tuple[FollowUp, ...]:
        """Every competition with a concluded season in `year`, as follow-ups in the form `line`."""
        catalog = self.services.catalog
        return tuple(FollowUp(c.name, line.format(year=year, slug=c.slug), current=c.slug == current)
                     for c in catalog.competitions.values() if year in catalog.concluded.get(c.slug, ()))

    async def _sources(self, ids: list[str]) -> dict[str, Source]:
        return {s.id: s for s in await self.services.sources_for(ids)}
