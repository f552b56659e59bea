"""SQLAlchemy models; importing this package registers every table on the metadata."""
from .accounts import ApiToken, RecoveryCode, Role, User
from .activity import Activity
from .changes import Change
from .checklists import PublishedVersionChanged, Template, TemplateVersion, VersionStatus
from .org import Branch, Region, manager_regions
from .rollups import QuestionDay
from .organisation_settings import OrganisationSetting
from .sessions import SessionStage, WebSession
from .throttle import SignInCounter
from .visits import (
    Answer,
    Assignment,
    AssignmentStatus,
    Photo,
    Visit,
    VisitRevision,
    VisitSectionScore,
    VisitStatus,
)

__all__ = [
    "Activity", "Answer", "ApiToken", "Assignment", "AssignmentStatus", "Branch", "Change", "Photo",
    "OrganisationSetting",
    "PublishedVersionChanged", "QuestionDay", "Region", "Role", "Template", "TemplateVersion", "User",
    "VersionStatus", "Visit", "VisitRevision", "VisitSectionScore", "VisitStatus",
    "manager_regions", "RecoveryCode", "SessionStage", "SignInCounter", "WebSession",
]
