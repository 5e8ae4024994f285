"""The SQLite store: one connection, numbered migrations, and the queries the services need."""

from bot.store.database import Store, StoreError, StoreMissing

__all__ = ["Store", "StoreError", "StoreMissing"]
