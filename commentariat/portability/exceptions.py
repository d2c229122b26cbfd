class UnreadableExport(Exception):
    """A file an importer cannot read: the message says why, in words for the operator."""


class StaticExportRefused(Exception):
    """The static export cannot go on: the message says why; the target directory is unchanged."""
