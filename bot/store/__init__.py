"""The store: SQLite by default, PostgreSQL for several processes; numbered migrations per backend; one repository
per feature, with SQL written once for both backends."""

from bot.store.database import StoreError, StoreMissing
from bot.store.store import Location, Store

__all__ = ["Location", "Store", "StoreError", "StoreMissing"]
