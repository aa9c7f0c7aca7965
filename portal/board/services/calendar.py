"""The calendar file (.ics, RFC 5545) of a meeting, written with the `icalendar` package."""

from __future__ import annotations

from icalendar import Calendar, Event

from portal.board.models import Meeting, MeetingState


def meeting_ics(meeting: Meeting, *, host: str, url: str) -> bytes:
    """Return *meeting* as an iCalendar file; *host* makes its UID unique, *url* links its page.

    The SEQUENCE follows the meeting's version, so a calendar replaces an earlier copy when the
    date or place changed.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Wandelwerk//Board meetings//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"board-meeting-{meeting.id}@{host}")
    event.add("dtstamp", meeting.invited_at or meeting.created_at)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.board.name}: {meeting.title}")
    event.add("location", meeting.place or meeting.video_url)
    event.add("url", url)
    event.add("sequence", meeting.lock_version)
    event.add("status", "CONFIRMED" if meeting.state is not MeetingState.PLANNED else "TENTATIVE")
    agenda = "\n".join(f"{item.position}. {item.title}" for item in meeting.items)
    event.add("description", "\n".join(part for part in (agenda, meeting.video_url, url) if part))
    calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics
