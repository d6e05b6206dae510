"""What a takedown notice is made of: who signs it, what the person states about each item,
and each item to remove with its addresses, hashes and history."""

from dataclasses import dataclass

from likeness_guard.core.domain.chat import ChatOrigin
from likeness_guard.core.domain.takedown import Jurisdiction, Recheck, TakedownRequest
from likeness_guard.locale import ENGLISH


@dataclass(frozen=True)
class NoticeSender:
    """Who signs the notices, on whose behalf, and what they chose to say."""

    name: str
    contact_email: str
    jurisdiction: Jurisdiction = Jurisdiction.OTHER
    on_behalf_of: str | None = None  # the person shown, when an authorised representative signs
    mention_reports: bool = False  # list where else the person reported these items
    language: str = ENGLISH  # the recipients' language, that the notices are written in


@dataclass(frozen=True)
class ItemStatements:
    """What the person states about items, by SHA-256 (never guessed by the app)."""

    intimate: frozenset[str] = frozenset()  # intimate or sexual
    altered: frozenset[str] = frozenset()  # made or altered (with AI or otherwise)
    no_consent_to_creation: frozenset[str] = frozenset()  # did not consent to it being made


@dataclass(frozen=True)
class VideoMoment:
    """A stretch of a video in which the person appears (seconds)."""

    start_s: float
    end_s: float


@dataclass(frozen=True)
class NoticeEntry:
    """One image or video to remove."""

    url: str
    page_url: str | None
    sha256: str
    md5: str | None  # of the file; None when the bytes were not kept
    pdq: str | None  # of the picture as stored; of one frame for a video (see frame_s)
    retrieved_at: str | None
    ai_marker: str | None  # the badge, when the file itself declares or betrays AI
    rechecks: tuple[Recheck, ...] = ()
    requests: tuple[TakedownRequest, ...] = ()
    final_url: str | None = None  # where the address led after redirects
    redirects: tuple[str, ...] = ()  # every hop before final_url
    confirmed: bool = True  # the person marked it "This is me"
    intimate: bool = False  # the person states it is intimate or sexual
    altered: bool = False  # the person states it was made or altered
    no_consent_to_creation: bool = False  # the person states they did not consent to it
    video_duration_s: float | None = None  # set for a video
    moments: tuple[VideoMoment, ...] = ()
    frame_s: float | None = None  # the time of the frame `pdq` hashes, for a video
    # A picture found in a chat export: the message that carried it (`url` is its link).
    chat: ChatOrigin | None = None

    @property
    def served_from(self) -> str:
        """The address that serves the file after redirects."""
        return self.final_url or self.url

    @property
    def is_video(self) -> bool:
        return self.video_duration_s is not None or bool(self.moments)
