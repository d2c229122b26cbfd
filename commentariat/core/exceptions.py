class UnusableBackup(Exception):
    """A file that `commentariat restore` will not put in place; the message says why, in one line."""
