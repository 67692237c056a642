"""The context every handler and job gets (ptb's ContextTypes(context=BotContext)).

It carries the services and, for an update, who is writing: loaded once per update and shared
by @restricted and the handler (handlers call `await context.who()`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.callbacks import CallbackData
from bot.membership import Member
from bot.models import Participant, Role
from bot.services import Services, get_services
from bot.viewer import Viewer

Pressed = TypeVar("Pressed", bound=CallbackData)


@dataclass(frozen=True)
class Who:
    """The person behind an update: their record, how to talk to them, their role."""

    svc: Services
    person: Participant
    view: Viewer
    role: Role
    member: Member  # their place in the program and the countries they may act on

    @property
    def user_id(self) -> int:
        return self.person.user_id

    @property
    def staff(self) -> bool:
        return self.role in ("facilitator", "organizer")


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any],
                 chat_id: int | None = None, user_id: int | None = None) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self._update: Update | None = None
        self._who: Who | None = None

    @classmethod
    def from_update(cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
                    ) -> BotContext:
        context = super().from_update(update, application)
        if isinstance(update, Update):
            context._update = update
        return context

    @property
    def svc(self) -> Services:
        return get_services(self.application)

    def pressed(self, codec: type[Pressed]) -> Pressed:
        """The pressed button's data, parsed by its codec. The handler was registered with
        pattern=codec.pattern(), so it parses (the shield answers empty data first)."""
        query = self._update.callback_query if self._update is not None else None
        assert query is not None
        data = codec.parse(query.data)
        assert data is not None
        return data

    async def who(self, *, refresh: bool = False) -> Who:
        """Who is writing (registered on first contact); refresh=True after changing them."""
        if self._who is not None and not refresh:
            return self._who
        assert self._update is not None and self._update.effective_user is not None
        user = self._update.effective_user
        svc = self.svc
        store = svc.repo.participants
        person = await store.get(user.id)
        if person is None or (person.first_name, person.last_name, person.username) != (
            user.first_name, user.last_name, user.username,
        ):
            person = await store.ensure(
                user.id, first_name=user.first_name, last_name=user.last_name,
                username=user.username, now=svc.clock.now(),
            )
        m = await svc.member(person)
        self._who = Who(svc, person, svc.viewer(person, user.language_code), m.role, m)
        return self._who

    def forget_who(self) -> None:
        """After /forget: nothing may register the person again during this update."""
        self._who = None
