"""What answering in French or Spanish costs next to English: the same questions, in process, per locale.

The locale changes only the sentences (a gettext lookup) and the dates and country names (Babel, cached per
locale); the dataset, the store and the answer's shape are the same. Run: .venv/bin/python -m bench.languages
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.growth import NOW, QUESTIONS, percentile, timed
from bot.clock import FixedClock
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.console import ask
from bot.core import Core
from bot.i18n import using
from bot.present import to_text

LOCALES = ("en-GB", "fr", "es-ES")


async def measure(rounds: int, progress: Callable[[str], None] = print) -> dict[str, dict[str, float]]:
    """p50 and p99 in ms of each question, answered and written out as console text, per locale."""
    found: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        core = await Core.open(Settings(db_path=Path(folder) / "languages.sqlite3", data_dir=DEFAULT_DATA_DIR),
                               FixedClock(NOW))
        try:
            for locale in LOCALES:
                with using(locale):
                    samples: list[float] = []
                    for line in QUESTIONS:
                        async def one(line: str = line) -> None:
                            answer, code = await ask(core.questions, line)
                            assert answer is not None and code == 0, line
                            to_text(answer, NOW)

                        await timed(one, 5)  # the first answer in a locale fills its caches
                        samples += await timed(one, rounds)
                found[locale] = {"p50": round(percentile(samples, 0.5), 4), "p99": round(percentile(samples, 0.99), 4)}
                progress(f"  {locale}: p50 {found[locale]['p50']:.3f} ms, p99 {found[locale]['p99']:.3f} ms")
        finally:
            await core.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    asyncio.run(measure(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
