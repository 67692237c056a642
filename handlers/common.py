"""What every handler needs: who is writing, in which language and zone."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.app import Services, services
from bot.i18n import normalize_language
from bot.models import Participant, Role
from bot.roles import allows, can_act_on_country, effective_role
from bot.views import Viewer

FALLBACK_ZONE = "UTC"

# Handlers that see messages before the ordinary ones (a conversation, a pending question)
# each get a group of their own: within one group only the first matching handler runs.
GOALS_GROUP, ATTENDANCE_GROUP, PROFILE_GROUP, FORWARD_GROUP, RELAY_GROUP = -1, -2, -3, -4, -5


@dataclass(frozen=True)
class Who:
    svc: Services
    person: Participant
    view: Viewer
    role: Role


def viewer_for(svc: Services, person: Participant, language_code: str | None = None) -> Viewer:
    """The stored language wins; Telegram's language_code is only the first guess."""
    lang = person.language or normalize_language(language_code, svc.settings.default_language)
    return Viewer(svc.i18n.get(lang), lang, person.zone or FALLBACK_ZONE)


async def who(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Who:
    svc = services(context)
    user = update.effective_user
    assert user is not None
    person = await svc.repo.get_participant(user.id)
    if person is None or (person.first_name, person.last_name, person.username) != (
        user.first_name,
        user.last_name,
        user.username,
    ):
        person = await svc.repo.ensure_participant(
            user.id,
            first_name=user.first_name,
            last_name=user.last_name,
            username=user.username,
            now=svc.clock.now(),
        )
    role = effective_role(user.id, person, svc.settings.organizer_ids)
    return Who(svc, person, viewer_for(svc, person, user.language_code), role)


async def not_understood(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    _ = w.view.tr.gettext
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            _("Sorry, I did not understand that. /help lists what I can do.")
        )


Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def restricted(minimum: Role) -> Callable[[Callback], Callback]:
    """The one place privileged commands and buttons check the role.

    Anyone below `minimum` gets a polite, localized refusal and nothing runs.
    """

    def decorate(handler: Callback) -> Callback:
        @functools.wraps(handler)
        async def checked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            w = await who(update, context)
            if allows(w.role, minimum):
                await handler(update, context)
                return
            _ = w.view.tr.gettext
            text = (
                _("Sorry, only organizers can do that.")
                if minimum == "organizer"
                else _("Sorry, only facilitators and organizers can do that.")
            )
            if update.callback_query is not None:
                await update.callback_query.answer(text, show_alert=True)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(text)

        checked.required_role = minimum  # type: ignore[attr-defined]
        return checked

    return decorate


async def facilitator_scope(w: Who) -> set[str]:
    """The countries a facilitator is limited to; empty: not limited (or not a facilitator)."""
    if w.role != "facilitator":
        return set()
    return await w.svc.repo.people.facilitator_countries(w.person.user_id)


async def may_act_on_country(w: Who, country: str | None) -> bool:
    """For privileged handlers that touch one country (attendance, broadcasts, people)."""
    return can_act_on_country(w.role, await facilitator_scope(w), country)
