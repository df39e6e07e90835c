"""The one base class of the errors whose message is meant for people: the command line prints
their message alone (no traceback) and exits with 1. Any other exception is a bug in the code."""


class ReportError(Exception):
    """An error with a message that says what is wrong, where, and how to fix it."""
