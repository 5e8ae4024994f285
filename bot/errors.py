"""Errors a user can fix. Each carries a polite sentence; the Discord and console paths show it as is."""

from __future__ import annotations


class UserError(Exception):
    """A question we cannot answer as asked; `message` tells the user what is known or allowed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(UserError):
    """Empty, overlong or malformed text."""


class UnknownName(UserError):
    """A competition or game name that matches nothing we know."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.suggestions = suggestions


class NotOnRecord(UserError):
    """A season or release we have no record of, or one not decided yet."""
