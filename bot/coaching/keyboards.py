"""Coaching buttons: answering the poll, check-in, the calendar event, and the staff screens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.coaching.rules import GroupCoaching
from bot.schedule import Schedule
from bot.storage.coaching import Answer, Coaching, Slot
from bot.viewer import Viewer, country_name, flag

# members


@dataclass(frozen=True)
class AnswerSlot(CallbackData, prefix="co:a"):
    slot: int
    answer: Literal["y", "n"]


@dataclass(frozen=True)
class CoachingCheckIn(CallbackData, prefix="co:ci"):
    coaching: int
    user: int  # the person the button was made for: nobody else may press it


@dataclass(frozen=True)
class AddToCalendar(CallbackData, prefix="co:cal"):
    coaching: int


# staff


@dataclass(frozen=True)
class Overview(CallbackData, prefix="co:l"):
    pass


@dataclass(frozen=True)
class GroupScreen(CallbackData, prefix="co:s"):
    country: str


@dataclass(frozen=True)
class SendDraft(CallbackData, prefix="co:go"):
    pass


@dataclass(frozen=True)
class DropDraft(CallbackData, prefix="co:no"):
    pass


@dataclass(frozen=True)
class Book(CallbackData, prefix="co:b"):
    slot: int
    sure: Literal["y"] | None = None


@dataclass(frozen=True)
class NewTimes(CallbackData, prefix="co:n"):
    coaching: int


@dataclass(frozen=True)
class Cancel(CallbackData, prefix="co:x"):
    coaching: int
    sure: Literal["y"] | None = None


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data.pack())


def poll_keyboard(v: Viewer, slots: list[Slot], mine: dict[int, Answer]) -> InlineKeyboardMarkup:
    """Per time: "I can" / "I can't"; the person's current answer is marked."""
    _ = v.tr.gettext
    can, cannot = _("I can"), _("I can't")
    rows = []
    for slot in slots:
        given = mine.get(slot.id)
        yes = f"{slot.position} ✅ {can}"
        no = f"{slot.position} ❌ {cannot}"
        rows.append([_button(("● " if given == "yes" else "") + yes, AnswerSlot(slot.id, "y")),
                     _button(("● " if given == "no" else "") + no, AnswerSlot(slot.id, "n"))])
    return InlineKeyboardMarkup(rows)


def booked_keyboard(v: Viewer, c: Coaching, user_id: int | None,
                    checkin: bool) -> InlineKeyboardMarkup:
    """"Add to calendar", and the one-tap check-in while it is open (private chats only)."""
    _ = v.tr.gettext
    rows = []
    if checkin and user_id is not None:
        rows.append([_button("✅ " + _("Check in"), CoachingCheckIn(c.id, user_id))])
    rows.append([_button("📅 " + _("Add to calendar"), AddToCalendar(c.id))])
    return InlineKeyboardMarkup(rows)


def overview_keyboard(v: Viewer, schedule: Schedule,
                      groups: list[GroupCoaching]) -> InlineKeyboardMarkup:
    buttons = []
    for g in groups:
        found = schedule.country(g.country)
        label = country_name(found, v.lang) if found else g.country
        buttons.append(_button(f"{flag(g.country)} {label}", GroupScreen(g.country)))
    return InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)])


def polling_keyboard(v: Viewer, c: Coaching, slots: list[Slot]) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    books = [_button("📌 " + _("Book {n}").format(n=s.position), Book(s.id)) for s in slots]
    return InlineKeyboardMarkup([
        books[:3], *([books[3:]] if books[3:] else []),
        [_button("🔄 " + _("Refresh"), GroupScreen(c.country)),
         _button("🗓 " + _("New times"), NewTimes(c.id))],
        [_button("✖️ " + _("Cancel the coaching"), Cancel(c.id)),
         _button("↩️ " + _("All groups"), Overview())],
    ])


def booked_staff_keyboard(v: Viewer, c: Coaching) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    return InlineKeyboardMarkup([
        [_button("🔄 " + _("Refresh"), GroupScreen(c.country)),
         _button("📅 " + _("Add to calendar"), AddToCalendar(c.id))],
        [_button("🔁 " + _("Another time"), NewTimes(c.id)),
         _button("✖️ " + _("Cancel the coaching"), Cancel(c.id))],
        [_button("↩️ " + _("All groups"), Overview())],
    ])


def back_keyboard(v: Viewer) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button("↩️ " + v.tr.gettext("All groups"), Overview())]])


def draft_keyboard(v: Viewer, single: bool) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    send = "✅ " + _("Book it") if single else "📤 " + _("Send the poll")
    return InlineKeyboardMarkup([[_button(send, SendDraft()),
                                  _button("✖️ " + _("Cancel"), DropDraft())]])


def confirm_keyboard(v: Viewer, yes: str, data: CallbackData,
                     country: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(yes, data),
                                  _button("↩️ " + v.tr.gettext("Back"), GroupScreen(country))]])
