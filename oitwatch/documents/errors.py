"""Why a fetched document could not be read."""

from enum import StrEnum

from oitwatch.errors import OitwatchError


class UnreadableReason(StrEnum):
    """Why bytes arrived but no text could be read. Stored as these strings (derived readings,
    item memos): a new member is fine, a renamed one is a migration."""

    PASSWORD = "password"  # an encrypted PDF
    CORRUPT = "corrupt"  # broken, hostile (zip bomb, too deep, too large) or too slow to read
    NO_TEXT = "no_text"  # a scan or an image: readable only through OCR
    # Not a document's state: the checklist's word for a page robots.txt keeps the checker out
    # of. Judged like an unreadable file (unverifiable), so it shares the explanations' table.
    ROBOTS = "robots"


class UnreadableDocument(OitwatchError):
    """The bytes arrived but no text can be read: password-protected, corrupt, or image only."""

    def __init__(self, reason: UnreadableReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
