"""Copies of a participant's message to the staff who look after them (a reply to a
broadcast, a question asked with /ask), each under a header saying who wrote it.

Through the engine like every fan-out, but not recorded per recipient: the queue of copies
lives in memory (a crash loses only the copies not sent yet; the participant's message itself
stays in their chat). What is recorded is each copy's link (relay_links), so that a staff
member's answer finds its way back after any restart.
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import ReplyParameters

from bot.delivery.engine import Delivery, Text, run
from bot.delivery.kinds import kind
from bot.faults import persist
from bot.notify import staff
from bot.sender import Outcome
from bot.services import Services
from bot.storage.broadcast_records import RelayLink
from bot.viewer import Viewer

RELAY = kind("relay",
             what="a participant's reply or question, copied to the staff under a header")

Header = Callable[[Viewer], str]


async def staff_for(svc: Services, user_id: int) -> list[int]:
    """Who gets a participant's message: the staff who look after their country
    (bot.membership.covers), never themselves."""
    person = await svc.repo.participants.get(user_id)
    return [p.user_id for p in await staff(svc.app, person.country if person else None,
                                           exclude=user_id)]


async def relay_to_staff(svc: Services, message_id: int, user_id: int, to: list[int],
                         header: Header, *, broadcast_id: int | None = None,
                         question_id: int | None = None) -> int:
    """Copy message_id (in user_id's private chat) to each staff member, as a reply to a
    header; returns how many got the copy."""
    reached = 0

    async def message(staff_id: int) -> Text:
        return Text(header(svc.viewer(await svc.repo.participants.get(staff_id))))

    async def copy(staff_id: int, head: Outcome) -> None:
        nonlocal reached
        if head.message_id is None:
            return
        under = ReplyParameters(head.message_id, allow_sending_without_reply=True)
        sent = await svc.sender.send(lambda rl: svc.app.bot.copy_message(
            staff_id, user_id, message_id, reply_parameters=under, rate_limit_args=rl))
        for kept in (head.message_id, sent.message_id):
            if kept is not None:
                await _keep_link(svc, RelayLink(staff_id, kept, user_id, broadcast_id,
                                                message_id, question_id))
        reached += sent.status == "sent"

    await run(svc.app, Delivery(RELAY, f"relay from {user_id}", to, message, after=copy))
    return reached


async def _keep_link(svc: Services, link: RelayLink) -> None:
    """Without the link the facilitator's answer finds nobody: retried while storage fails."""
    await persist(lambda: svc.repo.broadcasts.add_link(link, svc.clock.now()),
                  keep_trying=svc.sender.alive, what=f"relay link {link}")


async def relay_in_background(svc: Services, message_id: int, user_id: int, to: list[int],
                              header: Header, sorry: str, *, broadcast_id: int | None = None,
                              question_id: int | None = None) -> None:
    """The participant was told their message is passed on; if it reached nobody after all,
    they are told so."""
    if await relay_to_staff(svc, message_id, user_id, to, header, broadcast_id=broadcast_id,
                            question_id=question_id):
        return
    await svc.sender.send(lambda rl: svc.app.bot.send_message(user_id, sorry,
                                                               rate_limit_args=rl))
