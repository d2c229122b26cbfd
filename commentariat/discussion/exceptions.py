class CommentRefused(Exception):
    """A comment that cannot be stored; str() is the message for the reader."""


class CommentsClosed(CommentRefused):
    def __init__(self, post=None):
        super().__init__("Comments are closed.")
        self.post = post


class InvalidParent(CommentRefused):
    def __init__(self):
        super().__init__("The comment you are replying to is not available.")
