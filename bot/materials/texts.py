"""Materials texts: the list (on /session N and for facilitators), the follow-up after a
session, and the answers while facilitators add items. Telegram HTML; captions escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.materials.rules import MAX_ITEMS
from bot.schedule import Session
from bot.storage.materials import Material
from bot.viewer import Viewer, session_heading

ICONS = {"document": "📄", "photo": "🖼", "video": "🎬", "audio": "🎧", "voice": "🎙",
         "animation": "🎞", "link": "🔗"}
LABEL_MAX = 120  # characters of a caption shown in a list


def label(item: Material) -> str:
    """The caption, else the file name or the address (escaped, shortened)."""
    text = item.caption or item.file_name or item.url or ""
    if len(text) > LABEL_MAX:
        text = text[:LABEL_MAX - 1] + "…"
    return escape(text)


def item_line(index: int, item: Material) -> str:
    shown = label(item) or ICONS[item.kind]
    if item.url:
        shown = f'<a href="{escape(item.url, quote=True)}">{shown}</a>'
    return f"{index}. {ICONS[item.kind]} {shown}"


def item_lines(items: Sequence[Material], only_links: bool = False) -> list[str]:
    """Numbered as in the session's whole list (so "2." is the same item everywhere)."""
    return [item_line(i, item) for i, item in enumerate(items, start=1)
            if not (only_links and item.is_file)]


def materials_block(v: Viewer, items: Sequence[Material]) -> list[str]:
    """For /session N: the materials, links clickable (files come with the button)."""
    if not items:
        return []
    return ["<b>📎 " + v.tr.gettext("Materials") + "</b>", *item_lines(items)]


def staff_list(v: Viewer, session: Session, items: Sequence[Material], waiting: bool) -> str:
    _ = v.tr.gettext
    lines = ["<b>📎 " + _("Materials · {heading}").format(heading=session_heading(v, session))
             + "</b>"]
    lines += item_lines(items) or [_("No materials yet.")]
    if waiting:
        lines += ["", _("Send documents, photos, videos or links now, each with an optional "
                        "caption. Press Finish when you are done.")]
    elif items:
        lines += ["", _("🗑 removes an item. /materials {n} adds more.").format(
            n=session.number)]
    return "\n".join(lines)


def added(v: Viewer, item: Material, count: int) -> str:
    return "📎 " + v.tr.gettext(
        "Added ({count} of at most {max}): {item}. Send more, or press Finish.").format(
        count=count, max=MAX_ITEMS, item=label(item) or ICONS[item.kind])


def not_material(v: Viewer) -> str:
    return v.tr.gettext("Please send a file (document, photo, video, audio) or a web link "
                        "(https://…), or press Finish.")


def too_many(v: Viewer, session_number: int) -> str:
    return v.tr.gettext("Session {n} already has {max} materials: remove one first.").format(
        n=session_number, max=MAX_ITEMS)


def followup(v: Viewer, session: Session, items: Sequence[Material], attended: bool) -> str:
    """After a session: its materials and recording, with a gentler text for those who missed
    it."""
    _ = v.tr.gettext
    intro = (_("Thank you for taking part! Here is what the facilitators shared.") if attended
             else _("You missed this session — here are the recording and the materials, so "
                    "you can catch up."))
    return "\n".join([
        "<b>📎 " + _("Materials and recording for session {n}").format(n=session.number)
        + "</b>",
        f"<b>{session_heading(v, session)}</b>",
        "",
        intro,
        *item_lines(items),
    ])


def links_message(v: Viewer, session: Session, items: Sequence[Material]) -> str:
    """The links among a session's materials, in one message (files are sent one by one)."""
    return "\n".join(["<b>🔗 " + v.tr.gettext("Links · {heading}").format(
        heading=session_heading(v, session)) + "</b>", *item_lines(items, only_links=True)])


def file_caption(item: Material) -> str:
    return escape(item.caption)


def none_yet(v: Viewer) -> str:
    return v.tr.gettext("There are no materials for this session yet.")


def not_for_you(v: Viewer) -> str:
    return v.tr.gettext("The materials of this session are for its participants.")


def not_sent(v: Viewer, item: Material) -> str:
    return "⚠️ " + v.tr.gettext("This file could not be sent: {item}").format(
        item=label(item) or ICONS[item.kind])



def removed(v: Viewer) -> str:
    return v.tr.gettext("Removed.")


def not_yours(v: Viewer) -> str:
    return v.tr.gettext("Only the facilitator who added it, or one for every country, can "
                        "remove it.")
