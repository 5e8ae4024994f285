"""Which Discord shards, and so which servers, a process serves: Discord puts a server on shard
`(guild_id >> 22) % shard_count`. A process dispatches reminders and keeps Discord events only for its own servers;
with no scope it serves them all (one process, SQLite's case)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Discord's shard formula uses the timestamp part of the snowflake: the low 22 bits are worker, process, counter.
SNOWFLAKE_SHIFT = 22
_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


@dataclass(frozen=True)
class ShardScope:
    ids: tuple[int, ...]  # sorted, unique, each < count
    count: int

    def __post_init__(self) -> None:
        if self.count < 1 or not self.ids or any(not 0 <= i < self.count for i in self.ids):
            raise ValueError(f"shards {list(self.ids)} are not all within 0-{self.count - 1}")

    def owns(self, guild_id: int) -> bool:
        return shard_of(guild_id, self.count) in self.ids

    @property
    def everything(self) -> bool:
        return len(self.ids) == self.count

    def __str__(self) -> str:
        return f"shards {describe(self.ids)} of {self.count}"


def shard_of(guild_id: int, count: int) -> int:
    return (guild_id >> SNOWFLAKE_SHIFT) % count


def parse_shards(text: str, count: int) -> ShardScope:
    """`0-3`, `5`, `0-1,4` → the shard ids; ValueError with a sentence for anything else."""
    ids: set[int] = set()
    for part in text.split(","):
        match = _RANGE.match(part)
        if not match:
            raise ValueError(f"--shards takes shard numbers and ranges such as 0-3 or 0,2,5, not {text!r}")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first:
            raise ValueError(f"--shards range {part.strip()} runs backwards")
        ids.update(range(first, last + 1))
    if max(ids) >= count:
        raise ValueError(f"--shards {text} names shard {max(ids)}, but --shard-count {count} has shards 0-{count - 1}")
    return ShardScope(tuple(sorted(ids)), count)


def describe(ids: tuple[int, ...]) -> str:
    """(0, 1, 2, 5) → "0-2,5"."""
    runs: list[list[int]] = []
    for i in ids:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return ",".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
