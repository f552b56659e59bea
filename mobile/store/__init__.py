"""The phone's local SQLite store: accounts, pulled checklists and assignments, drafts, outbox and sync state."""

from .account_store import AccountStore
from .drafts import KEEP
from .errors import NotEditable, NotFound, StoreError
from .local_store import LocalStore
from .models import (Account, Assignment, Branch, FinishResult, LocalAnswer, LocalPhoto, LocalVisit, ServerState,
                     TemplateVersion, UNSENT_STATES, VisitState)
from .outbox import QueuedVisit
from .photofiles import sniff_content_type
from .pulled import BadChange

__all__ = [
    "Account", "AccountStore", "Assignment", "BadChange", "Branch", "FinishResult", "KEEP", "LocalAnswer",
    "LocalPhoto", "LocalStore", "LocalVisit", "NotEditable", "NotFound", "QueuedVisit", "ServerState", "StoreError",
    "TemplateVersion", "UNSENT_STATES", "VisitState", "sniff_content_type",
]
