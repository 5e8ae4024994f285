"""The curated dataset (TOML, each fact cited), shipped inside the package as `pitwall_data`.

Nothing to import here: code finds the files next to this one (`bot.config.DEFAULT_DATA_DIR`).
"""
