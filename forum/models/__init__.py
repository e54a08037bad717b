from .cache_epoch import CacheEpoch
from .category import Category
from .evidence_summary import (
    CertaintyLevel, DomainJudgement, EvidenceSummary, EvidenceSummaryRevision, GRADE_DOMAINS,
)
from .following import CategorySubscription, Draft, NotificationPreference, TopicSubscription, WatchLevel
from .imported import ImportedRecord
from .moderation import Flag, FlagReason, FlagState, ModerationAction, StaffNote, Vote
from .notification import Notification, NotificationKind
from .post import Post
from .quote import Quote, QuoteStatus, StudyQuote, StudyQuoteStatus
from .revision import PostRevision
from .submission import Submission
from .study import Citation, LookupState, RevisionSource, Stance, Study, StudyRevision, StudySuggestion, SuggestionState
from .tag import Tag
from .task_queue import SentMail, WorkerHeartbeat
from .trial import TrialLookupState, TrialRecord
from .topic import Topic, TopicState
from .upload import Upload, UploadKind

__all__ = [
    "CacheEpoch", "Category", "Notification", "NotificationKind", "Post", "PostRevision", "Quote", "QuoteStatus", "StudyQuote", "StudyQuoteStatus",
    "Tag", "Topic", "TopicState", "Citation", "LookupState", "Stance", "Study", "StudyRevision",
    "RevisionSource", "StudySuggestion", "SuggestionState",
    "Submission", "Flag", "FlagReason", "FlagState", "ModerationAction", "StaffNote", "Vote",
    "Upload", "UploadKind", "TrialLookupState", "TrialRecord",
    "CertaintyLevel", "DomainJudgement", "EvidenceSummary", "EvidenceSummaryRevision", "GRADE_DOMAINS",
    "CategorySubscription", "Draft", "ImportedRecord", "NotificationPreference", "TopicSubscription", "WatchLevel",
    "SentMail", "WorkerHeartbeat",
]
