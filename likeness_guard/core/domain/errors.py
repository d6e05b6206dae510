"""Errors that the environment or the input causes, as opposed to our own bugs.

A `UserFacingError` carries a message written for the person using the app: what happened
and what to do. Anything else that escapes is a bug, logged with its traceback.
"""


class UserFacingError(Exception):
    """An expected failure (bad input, missing file, full disk) with a message for the user."""


class ModelPackError(UserFacingError):
    """The face models are missing, damaged or not what we expect."""


class StoreError(UserFacingError):
    """The local database cannot be opened or written."""


class ImageError(UserFacingError):
    """An image cannot be read; the message says why in plain words."""


class SourceError(UserFacingError):
    """A file or web address could not be fetched; the message says why in plain words."""
