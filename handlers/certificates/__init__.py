"""Certificates: participants confirm their name and get theirs; organizers issue and revoke;
anyone verifies one."""

from __future__ import annotations

from telegram.ext import Application

from handlers.certificates import holder, staff, verify


def register(app: Application) -> None:
    holder.register(app)
    staff.register(app)
    verify.register(app)
