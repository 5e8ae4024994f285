"""The SQLite store: one database object owning the connection, numbered migrations, one repository per feature."""

from bot.store.database import StoreError, StoreMissing
from bot.store.store import Store

__all__ = ["Store", "StoreError", "StoreMissing"]
