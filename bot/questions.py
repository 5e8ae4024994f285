"""The one code path from a question to an Answer, shared by the Discord cogs and the console.

Each method takes option values as a user typed them and returns an Answer, or raises a UserError
whose message is the polite reply. Neither front adds logic of its own. Each answer comes from one snapshot of the
dataset, taken when the question arrives (see `bot.services.Snapshot`), so a reload never mixes two datasets.
"""

from __future__ import annotations

import dataclasses

from bot import render
from bot.answer import Answer, FollowUp
from bot.schedule_render import next_answer, schedule_answer
from bot.services import Services, Snapshot
from bot.text import t


class Questions:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def champion(self, year: int, competition: str | None = None) -> Answer:
        snapshot = self.services.catalog
        resolved = snapshot.resolve_competition(competition) if competition is not None else None
        seasons = snapshot.champions(year, resolved)
        sources = snapshot.sources_for(i for s in seasons for i in s.sources)
        answer = render.champions_answer(seasons, snapshot.competitions, sources)
        everything = FollowUp(t("nav.all_competitions"), f"/champion {year}", current=resolved is None)
        others = _competitions_decided_in(snapshot, year, "/champion {year} {slug}",
                                          resolved.slug if resolved else None)
        return dataclasses.replace(answer, alternatives=(everything, *others) if others else ())

    async def podium(self, competition: str, year: int | None = None) -> Answer:
        snapshot = self.services.catalog
        resolved = snapshot.resolve_competition(competition)
        season = snapshot.podium(resolved, year)
        ids = list(season.sources) + [i for row in season.standing + season.final_race for i in row.sources]
        answer = render.podium_answer(season, resolved, snapshot.sources_for(ids))
        before, after = snapshot.neighbours(season.year, resolved.slug)
        neighbours = []
        if before is not None:
            neighbours.append(FollowUp(t("nav.previous", year=before), f"/podium {resolved.slug} {before}"))
        if after is not None:
            neighbours.append(FollowUp(t("nav.next", year=after), f"/podium {resolved.slug} {after}"))
        others = _competitions_decided_in(snapshot, season.year, "/podium {slug} {year}", resolved.slug)
        return dataclasses.replace(answer, neighbours=tuple(neighbours), alternatives=others if len(others) > 1 else ())

    async def release(self, game: str) -> Answer:
        snapshot = self.services.catalog
        found = snapshot.resolve_game(game)
        parent = snapshot.games.get(found.parent) if found.parent else None
        sources = snapshot.sources_for(i for r in found.releases for i in r.sources)
        return render.release_answer(found, sources, parent)

    async def releases(self) -> Answer:
        return render.timeline_answer(self.services.catalog.timeline())

    async def schedule(self, season: int | None = None) -> Answer:
        snapshot = self.services.catalog
        schedule = snapshot.schedule(season)
        sources = snapshot.sources_for(i for e in schedule.events
                                       for i in (*e.sources, *(s for r in e.results for s in r.placing.sources)))
        answer = schedule_answer(schedule, snapshot.competitions, sources, snapshot.clock.now())
        seasons = schedule.seasons
        index = seasons.index(schedule.season)
        neighbours = []
        if index > 0:
            neighbours.append(FollowUp(t("nav.previous", year=seasons[index - 1]), f"/schedule {seasons[index - 1]}"))
        if index + 1 < len(seasons):
            neighbours.append(FollowUp(t("nav.next", year=seasons[index + 1]), f"/schedule {seasons[index + 1]}"))
        return dataclasses.replace(answer, neighbours=tuple(neighbours))

    async def next_events(self) -> Answer:
        snapshot = self.services.catalog
        events = snapshot.upcoming_events(3)
        sources = snapshot.sources_for(i for e in events for i in e.sources)
        return next_answer(events, snapshot.competitions, sources, snapshot.clock.now())

    async def about(self) -> Answer:
        return render.about_answer(self.services.catalog.coverage())


def _competitions_decided_in(snapshot: Snapshot, year: int, line: str, current: str | None) -> tuple[FollowUp, ...]:
    """Every competition with a concluded season in `year`, as follow-ups in the form `line`."""
    return tuple(FollowUp(c.name, line.format(year=year, slug=c.slug), current=c.slug == current)
                 for c in snapshot.competitions.values() if snapshot.decided(year, c.slug))
