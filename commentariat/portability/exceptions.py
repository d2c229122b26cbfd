class UnreadableExport(Exception):
    """A file an importer cannot read: the message says why, in words for the operator."""
