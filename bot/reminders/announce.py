"""What an announcement post says: a season's result (or its correction), an event's cancellation."""

from __future__ import annotations

import dataclasses

from bot.answer import Answer
from bot.dataset.model import Competition, Event, Season, Source
from bot.render import podium_answer
from bot.services import event_dates, place_of
from bot.text import t


def result_answer(season: Season, competition: Competition, sources: dict[str, Source], *,
                  correction: bool) -> Answer:
    """The season podium, as `/podium` shows it, titled as news; a correction says so first."""
    podium = podium_answer(season, competition, sources)
    name = season.competition_name or competition.name
    title = t("announce.correction" if correction else "announce.result", year=season.year, competition=name)
    description = podium.description
    if correction:
        description = t("announce.correction_note") + "\n\n" + str(description)
    return dataclasses.replace(podium, title=title, description=description)


def cancelled_answer(event: Event) -> Answer:
    return Answer(title=t("announce.cancelled", event=event.name, season=event.season),
                  description=t("announce.cancelled_text", place=place_of(event), dates=event_dates(event)))
