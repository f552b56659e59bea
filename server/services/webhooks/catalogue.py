"""Every event type a webhook endpoint may subscribe to: one entry each (a new kind of event is one more entry).

`object_type` names what the event is about; deliveries for the same object reach an endpoint in the order
the events were written. `ping` is not in the list: it goes only to the endpoint an admin tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.services.errors import ServiceError

BODY_VERSION = 1
"""The version of the event bodies this server writes (the body's `version`); a new one only for breaking changes."""


@dataclass(frozen=True)
class EventType:
    """An event consumers can subscribe to: its name on the wire, what it is about, and one line for the form."""

    name: str
    object_type: str
    summary: str


EVENT_TYPES: tuple[EventType, ...] = (
    EventType("visit.submitted", "visit", "A visit is complete on the server (all its photos arrived)."),
    EventType("visit.approved", "visit", "An admin approved a visit: it counts in the scores."),
    EventType("visit.returned", "visit", "An admin returned a visit to its shopper for correction."),
    EventType("visit.rejected", "visit", "An admin rejected a visit for good."),
    EventType("critical_failure", "visit", "An approved visit failed a critical question."),
    EventType("assignment.completed", "assignment", "An assignment is closed: its visit was approved or rejected."),
    EventType("action.created", "action", "A corrective action was raised, by hand or from an approved visit."),
    EventType(
        "action.updated", "action", "A corrective action changed: status, owner, due date, priority or a comment."
    ),
)

PING = EventType("ping", "endpoint", "A test event an admin sent from the endpoint's page.")

_BY_NAME = {event.name: event for event in (*EVENT_TYPES, PING)}


def event_type(name: str) -> EventType:
    """The event type `name` (a programming error for a name not in the catalogue)."""
    return _BY_NAME[name]


def subscribable_names() -> list[str]:
    """The names an endpoint may subscribe to, in the catalogue's order."""
    return [event.name for event in EVENT_TYPES]


def chosen_event_types(names: object) -> list[str]:
    """The subscribed names from a form or a request, in the catalogue's order; at least one, all known."""
    given = [str(name) for name in names] if isinstance(names, (list, tuple, set)) else []
    unknown = sorted(set(given) - set(subscribable_names()))
    if unknown:
        raise ServiceError("event_types", f"Unknown event type {unknown[0]!r}; choose from the list.")
    if not given:
        raise ServiceError("event_types", "Choose at least one event type.")
    return [name for name in subscribable_names() if name in given]
