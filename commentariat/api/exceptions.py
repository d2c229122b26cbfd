from commentariat.discussion.exceptions import CommentRefused


class TooManySubmissions(CommentRefused):
    """A JSON client sent more comments this hour than one IP address or email address may."""

    status_code = 429
    refusal_reason = "api_limit"

    def __init__(self, counted: str, retry_after: int):
        source = "your connection" if counted == "ip" else "this email address"
        super().__init__(
            f"Too many comments from {source} in the last hour. Please wait {retry_after} seconds "
            "and send it again."
        )
        self.retry_after = retry_after
