"""Why a fetched document could not be read."""

from oitwatch.errors import OitwatchError


class UnreadableDocument(OitwatchError):
    """The bytes arrived but no text can be read: password-protected, corrupt, or image only."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason  # "password", "corrupt" or "no_text"
