"""SQLAlchemy models; importing this package registers every table on the metadata."""

from server.models.accounts import ApiToken, RecoveryCode, Role, User
from server.models.actions import (
    ActionPriority,
    ActionSource,
    ActionStatus,
    CorrectiveAction,
    CorrectiveActionEvent,
    CorrectiveActionEvidence,
)
from server.models.activity import Activity
from server.models.changes import Change
from server.models.checklists import PublishedVersionChanged, Template, TemplateVersion, VersionStatus
from server.models.enrolment import EnrolmentCode
from server.models.jobs import Job, JobStatus, PeriodicRun
from server.models.mail import MailMessage, MailStatus, PasswordToken, TokenPurpose
from server.models.org import Branch, Region, manager_regions
from server.models.organisation_settings import OrganisationSetting
from server.models.rollups import QuestionDay
from server.models.sessions import SessionStage, WebSession
from server.models.throttle import SignInCounter
from server.models.visits import (
    Answer,
    Assignment,
    AssignmentStatus,
    Photo,
    Visit,
    VisitRevision,
    VisitSectionScore,
    VisitStatus,
)
from server.models.webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "ActionPriority",
    "ActionSource",
    "ActionStatus",
    "CorrectiveAction",
    "CorrectiveActionEvent",
    "CorrectiveActionEvidence",
    "Activity",
    "Answer",
    "ApiToken",
    "Assignment",
    "AssignmentStatus",
    "Branch",
    "Change",
    "DeliveryStatus",
    "EnrolmentCode",
    "Job",
    "JobStatus",
    "MailMessage",
    "MailStatus",
    "PasswordToken",
    "TokenPurpose",
    "Photo",
    "OrganisationSetting",
    "PeriodicRun",
    "PublishedVersionChanged",
    "QuestionDay",
    "Region",
    "Role",
    "Template",
    "TemplateVersion",
    "User",
    "VersionStatus",
    "Visit",
    "VisitRevision",
    "VisitSectionScore",
    "VisitStatus",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "manager_regions",
    "RecoveryCode",
    "SessionStage",
    "SignInCounter",
    "WebSession",
]
