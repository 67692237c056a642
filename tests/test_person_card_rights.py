"""Every action of the person card, table-driven across a participant, a facilitator limited
to another country, a co-facilitator of the person's country and an organizer: allowed ones
change the database (with their audit row), refused ones change nothing."""

from __future__ import annotations

import pytest

from bot.emulator import BotAPIEmulator
from bot.services import Services
from tests.helpers import ORGANIZER_ID, dump
from tests.test_privileged_walk import forge

PARTICIPANT, FACILITATOR_PE, COFACILITATOR_GH = 401, 402, 403

# (step, data or command): each on its own person of Ghana's wider group
STEPS = {
    "open": "/person {uid}",
    "show": "pc:{uid}:show",
    "group": "pc:{uid}:group:core:yes",
    "country": "pc:{uid}:country:PE:yes",  # from Ghana to Peru
    "out": "pc:{uid}:out:x:yes",
    "role": "pc:{uid}:role:facilitator:yes",
    "count": "pc:{uid}:count:no:yes",
}
ALLOWED = {
    PARTICIPANT: set(),
    FACILITATOR_PE: set(),
    COFACILITATOR_GH: {"open", "show", "group", "out"},  # Peru is not theirs; roles: organizers
    ORGANIZER_ID: set(STEPS),
}
CHANGES = {"group", "country", "out", "role", "count"}


async def person(bot: Services, user_id: int, country: str, group: str | None) -> None:
    await bot.repo.participants.ensure(user_id, first_name=f"P{user_id}", last_name=None,
                                       username=None, now=bot.clock.now())
    await bot.repo.participants.update(user_id, bot.clock.now(), country=country, grp=group,
                                       joined_via="invite", joined_at=bot.clock.now(),
                                       onboarded=1, language="en")


@pytest.mark.parametrize("actor", [PARTICIPANT, FACILITATOR_PE, COFACILITATOR_GH, ORGANIZER_ID])
async def test_card_actions_by_role(bot: Services, emulator: BotAPIEmulator, actor: int) -> None:
    await person(bot, PARTICIPANT, "GH", "core")
    await person(bot, FACILITATOR_PE, "PE", None)
    await bot.repo.people.set_facilitator(FACILITATOR_PE, {"PE"}, bot.clock.now())
    await person(bot, COFACILITATOR_GH, "GH", "core")
    await bot.repo.people.set_facilitator(COFACILITATOR_GH, {"GH"}, bot.clock.now())
    targets = {step: 300 + n for n, step in enumerate(STEPS)}
    for uid in targets.values():
        await person(bot, uid, "GH", "wider")
    user = emulator.user(actor, "en")
    await user.send("/person")  # a message to press buttons under

    for step, raw in STEPS.items():
        uid = targets[step]
        text = raw.format(uid=uid)
        before = await dump(bot.repo.db)
        allowed = step in ALLOWED[actor]
        if text.startswith("/"):
            (reply,) = await user.send(text)
            assert reply.text.startswith("👤") == allowed, (actor, step, reply.text)
        else:
            answer = await forge(emulator, user, text)
            assert bool(answer.get("show_alert")) != allowed, (actor, step, answer)
        after = await dump(bot.repo.db)
        changed = before["participants"] != after["participants"] or (
            before["facilitator_countries"] != after["facilitator_countries"])
        assert changed == (allowed and step in CHANGES), (actor, step)
        audited = [e for e in await bot.repo.participants.audit_entries()
                   if e["target"] == str(uid)]
        assert len(audited) == (1 if allowed and step in CHANGES else 0), (actor, step)
        if not allowed:
            assert after == before, (actor, step)
