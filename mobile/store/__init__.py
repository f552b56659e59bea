"""The phone's local SQLite store: accounts, and per account its pulled data, drafts and outbox."""

from .account_store import AccountStore
from .drafts import KEEP, Drafts
from .errors import NotEditable, NotFound, StoreError
from .local_store import LocalStore
from .models import (
    UNSENT_STATES,
    Account,
    Assignment,
    Branch,
    FinishResult,
    LocalAnswer,
    LocalPhoto,
    LocalVisit,
    ServerState,
    TemplateVersion,
    VisitState,
)
from .outbox import Outbox, QueuedVisit
from .photofiles import sniff_content_type
from .pulled import BadChange, Pulled

__all__ = [
    "Account",
    "AccountStore",
    "Assignment",
    "BadChange",
    "Branch",
    "Drafts",
    "FinishResult",
    "KEEP",
    "LocalAnswer",
    "LocalPhoto",
    "LocalStore",
    "LocalVisit",
    "NotEditable",
    "NotFound",
    "Outbox",
    "Pulled",
    "QueuedVisit",
    "ServerState",
    "StoreError",
    "TemplateVersion",
    "UNSENT_STATES",
    "VisitState",
    "sniff_content_type",
]
