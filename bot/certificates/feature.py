"""The certificates feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.certificates.export import write_certificates
from bot.feature import N_, Export, Feature, Staff

FEATURE = Feature(
    "certificates",
    jobs=("bot.certificates.jobs:build_jobs",),
    exports=(Export("certificates", N_("Certificate register"), write_certificates),),
    commands=(
        Staff("certificates", "facilitator", N_("Certificates: counts, names, issue")),
    ),
)
