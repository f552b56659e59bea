"""How a reader sees a shopper: by name, or by the shopper's stable pseudonym ("Shopper 4821").

The one place that decides (docs/architecture.md, Roles, permissions and confidentiality): admins
always see names; every other reader (managers: the audited side) sees pseudonyms while the
organisation setting `shopper_pseudonyms` is on, which is the default. Pages, the CSV export and
every PDF label shoppers through `labels_for(viewer)` or `shopper_label(viewer, shopper)`.
The pseudonym is the number each account got once, at random, when it was made (models.pseudonyms).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from server.models import Role
from server.permissions import role_of
from server.services.org.settings import current_settings
from server.services.org.settings_registry import OrganisationSettings


class Shopper(Protocol):
    """Anything with a shopper's name and pseudonym: a User, or a row selecting User.name and User.pseudonym."""

    name: str
    pseudonym: int


def pseudonym_label(number: int) -> str:
    """A pseudonym as every page, CSV file and PDF prints it."""
    return f"Shopper {number}"


@dataclass(frozen=True)
class ShopperLabels:
    """How one reader sees shoppers; call it with a shopper to get the text to print."""

    names: bool

    def label(self, name: str, pseudonym: int) -> str:
        """The shopper's name for readers who may see names, else the pseudonym."""
        return name if self.names else pseudonym_label(pseudonym)

    def __call__(self, shopper: Shopper) -> str:
        return self.label(shopper.name, shopper.pseudonym)


NAMES = ShopperLabels(names=True)
PSEUDONYMS = ShopperLabels(names=False)


def labels_for(viewer: Any, settings: OrganisationSettings | None = None) -> ShopperLabels:
    """Names for admins, and for everyone while the organisation shows names; pseudonyms otherwise."""
    if role_of(viewer) is Role.ADMIN:
        return NAMES
    settings = settings if settings is not None else current_settings()
    return PSEUDONYMS if settings.shopper_pseudonyms else NAMES


def shopper_label(viewer: Any, shopper: Shopper) -> str:
    """What `viewer` may read for `shopper`: their name or their pseudonym."""
    return labels_for(viewer)(shopper)
