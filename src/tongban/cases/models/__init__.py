"""Case models, one file per aggregate; import them from here."""

from tongban.cases.models.cases import Case, CaseEvent, CaseMaterial
from tongban.cases.models.choices import (
    FINAL_STATES,
    WITHDRAWABLE_STATES,
    CaseState,
    Channel,
    DeadlineStatus,
    MaterialProvision,
    RetentionClass,
)
from tongban.cases.models.documents import Document, DocumentVersion
from tongban.cases.models.exchange import DeliveryAttempt, DeliveryState, Subscription, WebhookDelivery
from tongban.cases.models.records import (
    Commitment,
    CorrectionItem,
    CorrectionNotice,
    Decision,
    DecisionOutcome,
    PostVerificationTask,
    VerificationState,
)

__all__ = [
    "FINAL_STATES", "WITHDRAWABLE_STATES", "Case", "CaseEvent", "CaseMaterial", "CaseState", "Channel",
    "Commitment", "CorrectionItem", "CorrectionNotice", "DeadlineStatus", "Decision", "DecisionOutcome",
    "DeliveryAttempt", "DeliveryState", "Document", "DocumentVersion", "MaterialProvision",
    "PostVerificationTask", "RetentionClass", "Subscription", "VerificationState", "WebhookDelivery",
]
