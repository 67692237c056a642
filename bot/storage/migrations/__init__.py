"""Forward-only schema migrations, one numbered module each (mNNNN_name.py holding
STATEMENTS); each runs in its own transaction, in number order.

Add a new module with the next number; never edit one that has shipped.
"""

from __future__ import annotations

import importlib
import pkgutil
import re


def _load() -> list[list[str]]:
    found: dict[int, list[str]] = {}
    for info in pkgutil.iter_modules(__path__):
        match = re.fullmatch(r"m(\d{4})_\w+", info.name)
        if match is None:
            continue
        number = int(match.group(1))
        if number in found:
            raise RuntimeError(f"two migrations numbered {number}")
        found[number] = importlib.import_module(f"{__name__}.{info.name}").STATEMENTS
    numbers = sorted(found)
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps: {numbers}")
    return [found[n] for n in numbers]


MIGRATIONS: list[list[str]] = _load()
