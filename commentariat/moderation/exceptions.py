from commentariat.discussion.exceptions import CommentRefused


class CommenterBanned(CommentRefused):
    """A banned or suspended commenter; the message says until when, where it ends."""

    refusal_reason = "banned"

    def __init__(self, until=None):
        if until is None:
            message = "You can no longer comment on this site."
        else:
            message = f"You cannot comment on this site until {until:%B %-d, %Y at %H:%M} (UTC)."
        super().__init__(message)


class FloodLimited(CommentRefused):
    status_code = 429
    refusal_reason = "flood"

    def __init__(self, retry_after: int):
        super().__init__(
            f"You are sending comments faster than this site accepts. Please wait {retry_after} seconds "
            "and send it again; your text is kept below."
        )
        self.retry_after = retry_after


class ClaimedByOther(Exception):
    def __init__(self, claim):
        name = claim.moderator.get_full_name() or claim.moderator.get_username()
        super().__init__(f"{name} is working on this comment.")
        self.claim = claim


class NothingToUndo(Exception):
    pass


class ReportRefused(Exception):
    """A reader's report that cannot be taken; the message says why, for the page."""

    def __init__(self, message: str, *, status_code: int = 400):
        super().__init__(message)
        self.status_code = status_code
