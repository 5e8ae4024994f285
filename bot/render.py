"""Domain results to Answers. The only place that decides what a reply says and in which order."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time

from bot import __version__
from bot.answer import Answer, Content, Field, Moment, SourceRef, concat, joined
from bot.countries import country_name, flag, with_flag
from bot.dataset.model import Competition, Game, Placing, Release, ReleaseDate, Season, Source
from bot.dates import day, disputed, format_day
from bot.errors import UserError
from bot.services import Coverage, Timeline
from bot.text import listed, t

MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
MAX_LISTED = 12  # per section of /releases; more would not fit an embed field


def error_answer(error: UserError) -> Answer:
    return Answer(title=t("error.title"), description=error.message, error=True)


def notice_answer(text: str) -> Answer:
    """A short private note to one member (not an error: nothing they asked went wrong)."""
    return Answer(title=t("notice.title"), description=text, private=True)


def internal_error_answer() -> Answer:
    return Answer(title=t("error.title"), description=t("error.internal"), error=True)


def source_refs(sources: Iterable[Source]) -> tuple[SourceRef, ...]:
    refs = []
    for s in sources:
        label = f"{s.publisher}: {s.title}"
        if s.citation_only and s.published:
            label += f" ({s.published})"
        refs.append(SourceRef(label, "" if s.citation_only else s.url, s.copy_url))
    return tuple(refs)


def footer_of(sources: Iterable[Source]) -> str:
    publishers = list(dict.fromkeys(s.publisher for s in sources))
    return t("sources", sources=", ".join(publishers)) if publishers else ""


def _placing_line(row: Placing, *, medals: bool = True) -> str:
    # Medals belong to the season standing; a race result is numbered so the two are never confused.
    medal = MEDALS.get(row.position, f"{row.position}.") if medals else f"{row.position}."
    # A national team is named after its country (in English, in the data): "🇪🇸 **Spain**", "🇪🇸 **Espagne**", not
    # "Spain — 🇪🇸 Spain".
    line = (f"{medal} {flag(row.country)} **{country_name(row.country)}**"
            if row.name == country_name(row.country, "en") else f"{medal} **{row.name}** — {with_flag(row.country)}")
    if row.team:
        line += f" · {row.team}"
    if row.manufacturer and row.manufacturer != row.name:
        line += f" · {row.manufacturer}"
    if row.members:
        names = ", ".join(f"{flag(m.country)} {m.name}".strip() for m in row.members)
        line += "\n" + t("members", names=names)
    if row.note:
        line += f"\n*{row.note}*"
    return line


def _final_line(season: Season) -> str:
    if season.world_final_date is None:
        return ""
    when = format_day(ReleaseDate(season.world_final_date.year, season.world_final_date.month,
                                   season.world_final_date.day))
    if season.world_final_venue:
        return t("final", date=when, venue=season.world_final_venue)
    return t("final_date", date=when)


def _season_sources(season: Season, sources: dict[str, Source]) -> list[Source]:
    ids = list(season.sources) + [i for row in season.standing + season.final_race for i in row.sources]
    return [sources[i] for i in dict.fromkeys(ids) if i in sources]


def champions_answer(seasons: list[Season], competitions: dict[str, Competition],
                     sources: dict[str, Source]) -> Answer:
    """One field per competition of that year: its champion, or "not decided yet"."""
    year = seasons[0].year
    fields = []
    for season in seasons:
        competition = competitions[season.competition]
        champions = [row for row in season.standing if row.position == 1]
        if season.status != "concluded" or not champions:
            value = t("podium.undecided")
        else:
            value = "\n".join(_placing_line(row) for row in champions)
        final = _final_line(season)
        fields.append(Field(season.title or competition.name, value + (f"\n{final}" if final else "")))
    used = [s for season in seasons for s in _season_sources(season, sources)]
    used = list({s.id: s for s in used}.values())
    only = seasons[0]
    title = (t("champion.title_one", year=year,
               competition=only.competition_name or competitions[only.competition].name)
             if len(seasons) == 1 else t("champion.title", year=year))
    return Answer(title=title, fields=tuple(fields), sources=source_refs(used), footer=footer_of(used))


def podium_answer(season: Season, competition: Competition, sources: dict[str, Source]) -> Answer:
    podium = [(row.position, _placing_line(row)) for row in season.standing if row.position <= 3]
    podium += [(p, f"{MEDALS[p]} " + t("podium.unconfirmed")) for p in season.unconfirmed_positions if p in MEDALS]
    description = "\n".join(line for _, line in sorted(podium, key=lambda item: item[0]))
    about = t("podium.standing_note") + f"\n{season.series}"
    final = _final_line(season)
    fields = [Field(t("podium.about"), about + (f"\n{final}" if final else ""))]
    if season.final_race:
        race = "\n".join(_placing_line(row, medals=False) for row in season.final_race)
        fields.append(Field(t("podium.final_race"), race))
    used = _season_sources(season, sources)
    return Answer(
        title=t("podium.title", year=season.year, competition=season.competition_name or competition.name),
        description=description,
        fields=tuple(fields),
        sources=source_refs(used),
        footer=footer_of(used),
    )


def format_date(when: ReleaseDate, at: time | None = None) -> Content:
    """A date a member reads: an instant (each front shows it in the reader's terms) for an exact time, otherwise
    the date as it is known.

    A date without a time is not an instant: shown through a timestamp it would move to the previous day
    for members west of UTC, so it is written out as a date.
    """
    if at is not None and when.precision == "day":
        instant = datetime.combine(when.first_day(), at, tzinfo=UTC)
        return (Moment(instant, "FR"),)
    return format_day(when)


def release_date(release: Release) -> Content:
    """The release's date as known (disputed days named), labelled when it is an early-access launch."""
    when = (disputed(release.date, release.disputed_days) if release.disputed_days
            else format_date(release.date, release.time_utc))
    return concat(when, " · " + t("release.early_access") if release.early_access else "")


def _release_line(release: Release) -> Content:
    region = t("release.worldwide") if release.region.lower() == "worldwide" else release.region
    line = concat("**", release_date(release), f"** — {', '.join(release.platforms)} ({region})")
    return concat(line, f"\n*{release.note}*" if release.note else "")


def release_answer(game: Game, sources: dict[str, Source], parent: Game | None = None) -> Answer:
    # Regions in date order (a disputed day counts from the earliest one given); for the same first day, the one
    # whose day is known first.
    ordered = sorted(game.releases, key=lambda r: ((r.disputed_days or (r.date.first_day(),))[0],
                                                   r.date.last_day(), r.key))
    description = joined(_release_line(r) for r in ordered)
    fields = []
    if game.developer or game.publisher:
        fields.append(Field(t("release.by_title"),
                            t("release.by", developer=game.developer or "—", publisher=game.publisher or "—")))
    if parent is not None:
        fields.append(Field(t("release.update_for"), parent.title))
    used = [sources[i] for i in dict.fromkeys(i for r in ordered for i in r.sources) if i in sources]
    return Answer(title=t("release.title", title=game.title), description=description, fields=tuple(fields),
                  sources=source_refs(used), footer=footer_of(used))


def _timeline_lines(entries: Iterable[tuple[Game, Release]]) -> tuple[Content, int]:
    entries = list(entries)
    lines = [
        concat(f"**{game.title}** — ", release_date(r), f" · {', '.join(r.platforms)}",
               "" if r.region.lower() == "worldwide" else f" ({r.region})")
        for game, r in entries[:MAX_LISTED]
    ]
    return joined(lines), max(0, len(entries) - MAX_LISTED)


def timeline_answer(timeline: Timeline) -> Answer:
    upcoming, more_upcoming = _timeline_lines(timeline.upcoming)
    recent, _ = _timeline_lines(timeline.recent)
    if more_upcoming:
        upcoming = joined([upcoming, t("releases.more", count=more_upcoming)])
    fields = (
        Field(t("releases.upcoming"), upcoming or t("releases.none_upcoming")),
        Field(t("releases.recent"), recent or "—"),
    )
    return Answer(title=t("releases.title"), fields=fields)


def about_answer(coverage: Coverage) -> Answer:
    names = listed([c.name for c in coverage.competitions])
    fields = (
        Field(t("about.coverage"), t("about.coverage_value", competitions=names, first=coverage.first_year,
                                     last=coverage.last_year, seasons=coverage.seasons, games=coverage.games)),
        Field(t("about.updated"), day(coverage.last_checked) if coverage.last_checked else "—", inline=True),
        Field(t("about.sources"), t("about.sources_value", count=coverage.sources), inline=True),
    )
    return Answer(title=t("about.title", version=__version__), description=t("about.description"), fields=fields)
