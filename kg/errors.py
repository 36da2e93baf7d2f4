"""The one exception the library raises: when it cannot go on at all."""


class KgError(Exception):
    """A fatal problem such as no corpus found or an unwritable output file.

    Problems inside corpus files are never raised; they are diagnostics.
    """
