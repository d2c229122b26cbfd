class CommentRefused(Exception):
    """A comment that cannot be stored; str() is the message for the reader."""

    status_code = 403
    retry_after: int | None = None
    # Kept for moderators under this name (discussion/refusals.py), or not at all.
    refusal_reason: str | None = None


class CommentsClosed(CommentRefused):
    def __init__(self, post=None, message: str = "Comments are closed."):
        super().__init__(message)
        self.post = post


class InvalidParent(CommentRefused):
    status_code = 400

    def __init__(self):
        super().__init__("The comment you are replying to is not available.")


class DuplicateComment(CommentRefused):
    """The same text from the same address moments ago. The earlier comment goes back only to the
    browser that wrote it (its edit grant proves it); anyone else learns nothing of it."""

    status_code = 409
    refusal_reason = "duplicate"

    def __init__(self, earlier):
        super().__init__("You already sent this comment.")
        self.earlier = earlier


class EditClosed(Exception):
    """The author may no longer edit or delete the comment; str() says why."""


class StateConflict(Exception):
    """A moderator decided on a comment that changed since their page was loaded; str() says how.

    forceable: False when deciding anyway cannot help (its author erased or deleted it)."""

    def __init__(self, message: str, *, forceable: bool = True):
        super().__init__(message)
        self.forceable = forceable
