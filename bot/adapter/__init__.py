"""The Discord adapter: the only part of `bot/` that imports discord.py.

`client` (the `commands.Bot`, `setup_hook`, sync), `launch` (the one start-up path), `endpoints` (another REST base
or gateway), `poster` (reminders into channels) and `embeds` (an Answer as an embed). The domain around it returns
plain values and typed pieces; an import contract in `make lint` keeps discord out of it.
"""
