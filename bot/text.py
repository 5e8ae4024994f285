"""Every sentence a user reads, in one place, so that a language is one more table (see README, i18n).

Keys are stable identifiers; values are `str.format` templates. `t()` is the only way code gets a sentence.
"""

from __future__ import annotations

from string import Formatter
from typing import Any

from bot.answer import ChannelRef, Content, Link, Moment, RoleRef, concat

EN: dict[str, str] = {
    # Errors a user can fix.
    "error.title": "Sorry, I can't answer that",
    "error.internal": "Something went wrong on my side. It has been logged; please try again in a moment.",
    "error.empty": "Please give a {what}.",
    "error.too_long": "That {what} is too long ({length} characters; at most {limit}).",
    "error.unknown_competition": "I don't know a competition called “{text}”.",
    "error.unknown_game": "I don't know a game called “{text}”.",
    "error.did_you_mean": "Did you mean {suggestions}?",
    "error.known_competitions": "Competitions on record: {names}.",
    "error.known_games_hint": "Try `/releases` for the full list, or start typing for suggestions.",
    "error.no_season": "There is no {competition} season on record for {year}.",
    "error.no_year": "There is no season on record for {year}.",
    "error.seasons_on_record": "Seasons on record: {first}–{last}.",
    "error.season_undecided": "The {year} {competition} season is not decided yet.",
    "error.year_undecided": "The {year} season is not decided yet.",
    "error.future_year": "The {year} season has not been decided yet.",
    "error.decided_at": "It will be decided at the {event}, {place}, {dates}.",
    "error.no_calendar": "No World Series calendar is on record yet.",
    "error.no_schedule": "There is no World Series calendar on record for {season}. Calendars on record: "
                         "{first}–{last}.",
    "event.online": "online",
    "error.bad_year": "“{text}” is not a year. Seasons on record: {first}–{last}.",
    "error.no_permission": "You need the {permission} permission to do that.",
    # Champions and podiums.
    "champion.title": "{year} champions",
    "champion.title_one": "{year} {competition} champion",
    "podium.title": "{year} {competition} — season podium",
    "podium.about": "About this result",
    "podium.standing_note": "The season standing (championship classification), not a single race.",
    "podium.final_race": "World Final race (not the standing)",
    "podium.undecided": "Not decided yet.",
    "podium.unconfirmed": "*not confirmed by our sources yet; we would rather say so than guess*",
    "members": "Drivers: {names}",
    "final": "World Final: {date}, {venue}",
    "final_date": "World Final: {date}",
    # Releases.
    "release.title": "{title}",
    "release.by": "{developer} / {publisher}",
    "release.by_title": "Developer / publisher",
    "release.update_for": "Update for",
    "release.worldwide": "Worldwide",
    "release.early_access": "early access",
    "releases.title": "Gran Turismo release dates",
    "releases.upcoming": "Upcoming",
    "releases.recent": "Recent",
    "releases.none_upcoming": "No upcoming date on record.",
    "releases.more": "…and {count} more: ask `/release <game>` for one game.",
    "precision.month": "{month} {year} (day not announced)",
    "precision.year": "{year} (month not announced)",
    "precision.disputed": "{period} (day disputed: {days} {year})",
    # The World Series calendar.
    "schedule.title": "{season} Gran Turismo World Series calendar",
    "schedule.cancelled": "cancelled",
    "schedule.no_results": "past; no result on record",
    "schedule.moved_from": "Moved from {date}.",
    "schedule.moved_from_place": "Moved from {date} in {place}.",
    "schedule.winner": "🥇 {competition}: {winner}",
    "schedule.upcoming_count": "{count} still to come",
    "schedule.season_over": "Every event of this season is over",
    "next.title": "Next World Series events",
    "next.none": "No upcoming World Series event is on record. `/schedule` shows the latest season's calendar.",
    "next.under_way": "under way",
    # About.
    "about.title": "About pitwall {version}",
    "about.description": "Gran Turismo esports champions, podiums and release dates, from a curated, cited dataset.",
    "about.coverage": "Coverage",
    "about.coverage_value": "{competitions}: seasons {first}–{last} ({seasons} season records). {games} games.",
    "about.updated": "Data last checked",
    "about.sources": "Sources",
    "about.sources_value": "{count} public sources; every fact is cited. Corrections: data/CORRECTIONS.md.",
    # Footer.
    "sources": "Sources: {sources}",
    "sources.title": "Sources",
    "sources.more": "…and {count} more sources",
    "sources.copy": "read from a copy at {host}",
    "lines.more": "…and {count} more",
    "nav.previous": "◀ {year}",
    "nav.next": "{year} ▶",
    "nav.all_competitions": "All competitions",
    "nav.pick_competition": "Another competition…",
    "nav.page": "Page {page} of {pages}",
    "nav.page_previous": "◀ Previous",
    "nav.page_next": "Next ▶",
    "nav.more": "More",
    "nav.the_command": "the same command",
    "notice.title": "pitwall",
    "nav.expired": "These buttons have expired. Ask again with {command} for a fresh answer.",
    "nav.not_yours": "Only the member who asked can change this answer. Ask your own with {command}.",
    # Reminders: errors.
    "error.bad_offsets": "“{text}” is not an offset. Use numbers with d (days), h (hours), m (minutes) or w "
                         "(weeks), separated by commas, e.g. `7d, 1d, 2h, 0` (0 = the release moment).",
    "error.offset_too_far": "“{text}” is too far ahead: offsets go up to {days} days.",
    "error.too_many_offsets": "At most {limit} offsets per subscription.",
    "error.bad_timezone": "“{text}” is not a time zone I know. Use an IANA name such as `Europe/Paris`, "
                          "`America/New_York` or `Asia/Tokyo` (start typing for suggestions).",
    "error.bad_time": "“{text}” is not a time of day. Use 24-hour HH:MM, e.g. `09:00` or `18:30`.",
    "error.bad_date": "“{text}” is not a date I can use. Use YYYY-MM-DD, e.g. `2026-12-10`, at most {years} "
                      "years ahead.",
    "error.release_past": "{title} came out on {date}: there is nothing left to remind about.",
    "error.custom_past": "That moment has already passed in this server's time zone ({zone}).",
    "error.no_subscription": "There is no reminder subscription #{id} in this server. `/reminders list` shows them.",
    "error.channel_not_text": "I can only post reminders in text channels.",
    "error.channel_permissions": "I can't post reminders in {channel}: I am missing {missing} there. "
                                 "Give me those permissions in that channel, then try again.",
    "error.role_not_mentionable": "I can't ping {role}: make the role mentionable (Server Settings → Roles), "
                                  "or choose another role.",
    "error.role_everyone": "Reminders never ping @everyone. Choose a role, or leave the option empty.",
    "error.bad_option": "One of the options has a value I can't use here; please pick it from the list.",
    "error.guild_only": "This command works in a server, not in direct messages.",
    "error.not_ready": "I am still loading this server's channels: please try again in a few seconds.",
    "error.no_custom_release": "There is no custom release called “{text}” in this server.",
    "error.too_many_subscriptions": "This server already has {limit} reminder subscriptions: remove one first.",
    "error.admin_cannot_post": "You cannot post in {channel} yourself, so pitwall will not post reminders there "
                               "for you. Pick a channel where you may send messages.",
    "error.too_many_customs": "This server already has {limit} custom releases, the most it may have: remove one "
                              "first (`/custom-release remove`).",
    "error.too_many_planned": "That would give this server more than {limit} planned reminders, the most it may "
                              "have: use fewer offsets, or subscribe to single releases instead of every one.",
    # Reminders: answers.
    "reminders.added_title": "Reminder subscription added",
    "reminders.added": "Subscription #{id}: {target} in {channel}, {offsets} before each one ({zone}).",
    "reminders.added_results": "Subscription #{id}: {target} in {channel}. Each season's result is posted once, "
                               "when it first appears in the data; a later correction is one labelled post.",
    "reminders.notice_on": "If an event is cancelled, one notice is posted instead of its reminders.",
    "reminders.all_upcoming": "every upcoming release",
    "reminders.next": "Next reminder",
    "reminders.none_planned": "No reminder planned yet: no upcoming release has a day announced. Reminders will "
                              "be planned as soon as one does.",
    "reminders.list_title": "Reminder subscriptions",
    "reminders.list_title_count": "Reminder subscriptions ({count})",
    "reminders.list_empty": "No reminder subscriptions yet. An admin can add one with `/reminders add`.",
    "reminders.list_row": "#{id} · {channel} · {target} · {offsets}{role}",
    "reminders.list_next": "next {when} · sent {sent} · missed {missed}",
    "reminders.list_paused": "⏸ paused: {reason}",
    "reminders.list_unconfirmed": "⚠ {count} not confirmed: pitwall stopped while posting and cannot tell whether "
                                  "Discord got it; check the channel (it is not sent again, to never post twice)",
    "reminders.removed": "Subscription #{id} removed; its pending reminders are cancelled.",
    "reminders.paused": "Subscription #{id} paused. `/reminders resume {id}` turns it back on.",
    "reminders.resumed": "Subscription #{id} resumed.",
    "reminders.paused_by_admin": "paused by an admin",
    "settings.title": "Server settings",
    "settings.saved": "Time zone: {zone}. Releases known only by date are reminded at {time} local time.",
    "custom.saved_title": "Custom release saved",
    "custom.saved": "**{name}** (`{slug}`): {when}. Only this server sees it.",
    "custom.removed": "Custom release “{name}” removed, with its reminder subscriptions.",
    "custom.list_title": "This server's releases",
    "custom.list_title_count": "This server's releases ({count})",
    "custom.list_empty": "No custom releases yet. `/custom-release add` creates one.",
    # Announcements (posted once).
    "announce.result": "🏆 {year} {competition}: the season is decided",
    "announce.correction": "Correction: {year} {competition} result",
    "announce.correction_note": "The result posted earlier has been corrected in the data. This is the "
                                "result as it now stands:",
    "announce.cancelled": "Cancelled: {event} ({season})",
    "announce.cancelled_text": "This World Series event, planned for {dates} ({place}), is cancelled. No reminder "
                               "will be posted for it.",
    "reminders.every_event": "every upcoming World Series event",
    "reminders.results": "results (each season's champion and podium, once)",
    "error.event_past": "{title} was on {date}: there is nothing left to remind about. `/next` shows what is "
                        "coming.",
    "error.results_no_offsets": "Results are posted once, when they appear in the data, so they take no offsets: "
                                "leave `offsets` empty.",
    "error.cancelled_notice_events_only": "A cancellation notice is for event subscriptions: choose `events` "
                                          "or one event.",
    "reminder.event_when": "When: {when}",
    "reminder.event_today": "{title} — today!",
    "reminder.event_now": "{title} — starting now!",
    "reminder.event_where": "Where: {place}",
    # Discord scheduled events.
    "discord_events.series": "Gran Turismo World Series {season} · {competitions}",
    "discord_events.series_only": "Gran Turismo World Series {season}",
    "discord_events.where": "Where: {place}",
    "discord_events.all_day": "{dates}: times not announced; all day ({zone}).",
    "discord_events.end_not_announced": "End time not announced: shown as the end of its last day.",
    "discord_events.cancelled": "Cancelled.",
    "discord_events.source": "Source: {url}",
    "discord_events.release_name": "{title} — release",
    "discord_events.early_access_name": "{title} — early access",
    "discord_events.release": "Release of {title} ({region}).",
    "discord_events.worldwide": "worldwide",
    "discord_events.release_all_day": "Time not announced; all day (UTC).",
    "discord_events.online": "Online",
    "discord_events.title": "Discord events",
    "discord_events.needs": "I need the {missing} permission(s) in this server to keep its Discord events: give "
                            "them to my role (Server Settings → Roles), then try again.",
    "discord_events.enabled": "On: pitwall keeps a Discord event for each upcoming World Series event and dated "
                              "release (at most {cap}), and updates or cancels it when the data changes. "
                              "{created} created, {updated} updated now.",
    "discord_events.disabled": "Off: pitwall no longer keeps Discord events here. {removed} removed.",
    "discord_events.disabled_left": "Off: pitwall no longer keeps Discord events here. {removed} removed; {left} "
                                    "could not be (Discord refused): delete them by hand if you wish.",
    "discord_events.state_on": "On: {count} Discord event(s) kept in sync for this server.",
    "discord_events.state_off": "Off. `/settings discord-events enabled:True` turns it on.",
    "discord_events.state_paused": "⏸ Paused: {reason} Then run `/settings discord-events enabled:True` again.",
    "discord_events.paused.missing-permissions": "Discord refused: I am missing Create Events or Manage Events in "
                                                 "this server. Give them to my role.",
    "discord_events.paused.cap-reached": "Discord refused: this server has 100 upcoming events, Discord's limit. "
                                         "End or delete some.",
    "discord_events.failed": "Some could not be synced just now (logged); they are tried again at the next sync.",
    # Reminder messages.
    "reminder.today": "{title} — release day!",
    "reminder.now": "{title} — out now!",
    "reminder.in_days": "{title} — in {count} days",
    "reminder.tomorrow": "{title} — tomorrow",
    "reminder.in_hours": "{title} — in {count} hours",
    "reminder.in_an_hour": "{title} — in an hour",
    "reminder.in_minutes": "{title} — in {count} minutes",
    "reminder.release": "Release: {when}",
    "reminder.platforms": "Platforms: {platforms}",
    "reminder.late": "⏰ Late: this reminder was due {when} (I was offline).",
    "reminder.footer": "Reminder #{id} · /reminders list",
}

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

CATALOGS: dict[str, dict[str, str]] = {"en": EN}


def tp(key: str, /, locale: str = "en", **values: Any) -> Content:
    """Like `t`, where values may be typed pieces (an instant, a channel, a role) or Text: they stay pieces."""
    if not any(isinstance(v, Moment | ChannelRef | RoleRef | Link | tuple) for v in values.values()):
        return t(key, locale, **values)
    parts: list[Content] = []
    for literal, name, spec, conversion in Formatter().parse(_template(key, locale)):
        parts.append(literal)
        if name is None:
            continue
        value = values[name]
        if isinstance(value, Moment | ChannelRef | RoleRef | Link):
            parts.append((value,))
        elif isinstance(value, tuple):
            parts.append(value)
        else:
            parts.append(format(str(value) if conversion == "s" else value, spec or ""))
    return concat(*parts)


def t(key: str, /, locale: str = "en", **values: Any) -> str:
    """The sentence `key` in `locale` (English where the locale has none), filled with `values`."""
    return _template(key, locale).format(**values)


def _template(key: str, locale: str) -> str:
    return CATALOGS.get(locale.split("-")[0], EN).get(key) or EN[key]
