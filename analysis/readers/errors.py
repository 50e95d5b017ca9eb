"""The one exception readers raise: a file that cannot be turned into text."""


class ReadError(Exception):
    """A raw file could not be read; the message says why, for the user."""
