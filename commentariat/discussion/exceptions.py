class CommentRefused(Exception):
    """A comment that cannot be stored; str() is the message for the reader."""

    status_code = 403
    retry_after: int | None = None


class CommentsClosed(CommentRefused):
    def __init__(self, post=None, message: str = "Comments are closed."):
        super().__init__(message)
        self.post = post


class InvalidParent(CommentRefused):
    status_code = 400

    def __init__(self):
        super().__init__("The comment you are replying to is not available.")
