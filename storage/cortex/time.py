"""Cortex's one time format: UTC ISO-8601 with milliseconds, so text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.cortex.errors import InvalidTimeError


def format_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def utc_now() -> str:
    return format_time(datetime.now(UTC))


def parse_time(text: str) -> str:
    """A user's time ("2026-11-25", "2026-11-25T14:30Z", "…+02:00", "now") → stored form.

    A time without a zone is taken as UTC, the zone every stored time uses.
    """
    value = text.strip()
    if value.lower() == "now":
        return utc_now()
    try:
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError:
        raise InvalidTimeError(text) from None
    return format_time(moment)


def just_after(moment: str) -> str:
    """The next representable instant after a stored time."""
    parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return format_time(parsed + timedelta(milliseconds=1))
