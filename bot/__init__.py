"""pitwall: answers about Gran Turismo championships and release dates, in Discord and offline."""

__version__ = "0.2.0"
