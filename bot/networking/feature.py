"""The networking feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.feature import N_, Export, Feature, Staff
from bot.networking.export import write_networking

FEATURE = Feature(
    "networking",
    jobs=("bot.networking.jobs:build_jobs",),
    exports=(Export("networking", N_("Networking counts"), write_networking),),
    commands=(
        Staff("networking", "facilitator", N_("Networking profiles and introductions")),
        Staff("breakouts", "facilitator", N_("Mixed breakout rooms from those checked in")),
    ),
)
