"""Every benchmark in one run, one table: `python bench/run.py` (about 10 minutes).

    python bench/run.py                      # all of them, full size
    python bench/run.py --only mixed crash   # some of them
    python bench/run.py --quick              # small sizes: a smoke test, not figures

Each runs the real bot on the Bot API emulator (bot/emulator) over real HTTP: as its own
process (`python -m bot` with BOT_API_URL pointing at the emulator in this process) for
mixed, overhead, checkin, size and crash; in this process for broadcast and reminders (the
older benchmarks, folded in). Every figure is a count, or a ratio or rate taken within one
run, so it holds on a noisy machine; the absolute times depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import broadcast, checkin, crash, mixed, overhead, reminders, size  # noqa: E402
from bench.common import Row, print_table, row  # noqa: E402

Bench = Callable[[bool], Awaitable[list[Row]]]

BENCHES: dict[str, Bench] = {
    "mixed": lambda q: mixed.run(600, 40, spread=16) if q else mixed.run(),
    "overhead": lambda q: overhead.run(100, 3) if q else overhead.run(),
    "checkin": lambda q: checkin.run(200) if q else checkin.run(),
    "size": lambda q: size.run(1000) if q else size.run(),
    "crash": lambda q: crash.run(120) if q else crash.run(),
    "broadcast": lambda q: broadcast.run(300) if q else broadcast.run(),
    "reminders": lambda q: reminders.run(1000) if q else reminders.run(),
}


async def main(names: list[str], quick: bool) -> int:
    logging.basicConfig(level=logging.ERROR)
    rows: list[Row] = []
    for name in names:
        print(f"running {name}...", file=sys.stderr, flush=True)
        began = time.monotonic()
        try:
            rows += await BENCHES[name](quick)
        except Exception as exc:  # one failing benchmark does not hide the others
            rows.append(row(name, "did not finish", f"{type(exc).__name__}: {exc}", "", False))
        print(f"  {name}: {time.monotonic() - began:.0f} s", file=sys.stderr, flush=True)
    print_table(rows)
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHES), default=list(BENCHES))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.only, args.quick)))
