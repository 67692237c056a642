"""Text entities the way Telegram computes them.

The HTML parser follows tdlib's ``parse_html`` (td/telegram/MessageEntity.cpp)
instead of ``html.parser``: the stdlib parser is lenient (a bare ``<`` is
just text there), while Telegram rejects it, and the point of the emulator is
to fail where Telegram fails.
"""

from __future__ import annotations

import re
from typing import Any

JsonDict = dict[str, Any]

TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "blockquote": "blockquote",
}
ALLOWED_TAGS = frozenset(TAG_TYPES)
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# tdlib's is_space: what separates a tag name from its attributes.
SPACES = " \t\r\n\0"
WHITESPACE = " \t\r\n\x0b\x0c"
COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])")


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; the message is tdlib's wording."""


def utf16_len(text: str) -> int:
    """Telegram measures entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    """Decode ``&...;`` at ``i``; None means the ``&`` stays literal (as in tdlib)."""
    end = text.find(";", i + 1)
    if end == -1 or end - i > 12:
        return None
    body = text[i + 1 : end]
    if body in NAMED_ENTITIES:
        return NAMED_ENTITIES[body], end + 1
    try:
        if body[:2] in ("#x", "#X"):
            code = int(body[2:], 16)
        elif body[:1] == "#" and body[1:].isdigit():
            code = int(body[1:])
        else:
            return None
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), end + 1
    except ValueError:
        return None


def _byte_offset(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8"))


def parse_html(text: str) -> tuple[str, list[JsonDict]]:
    """Return (plain text, entities) or raise EntityParseError."""
    out: list[str] = []
    offset = 0  # UTF-16 offset in the output
    stack: list[tuple[str, str, int]] = []  # (tag, argument, start offset)
    entities: list[JsonDict] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_entity(text, i)
            if decoded is not None:
                out.append(decoded[0])
                offset += utf16_len(decoded[0])
                i = decoded[1]
                continue
        if c != "<":
            out.append(c)
            offset += utf16_len(c)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            i = _close_tag(text, begin, i, stack, entities, offset)
        else:
            i = _open_tag(text, begin, i, stack, offset)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _open_tag(text: str, begin: int, i: int, stack: list[tuple[str, str, int]], offset: int) -> int:
    n = len(text)
    pos = _byte_offset(text, begin)
    while i < n and text[i] not in SPACES and text[i] != ">":
        i += 1
    if i >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {pos}")
    tag = text[begin + 1 : i].lower()
    if tag not in ALLOWED_TAGS:
        raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {pos}')
    argument = ""
    while True:
        while i < n and text[i] in SPACES:
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {pos}")
        if text[i] == ">":
            break
        name_start = i
        while i < n and text[i] not in SPACES and text[i] not in "=>":
            i += 1
        name = text[name_start:i]
        if not name:
            raise EntityParseError(f'Empty attribute name in the tag "{tag}" at byte offset {pos}')
        while i < n and text[i] in SPACES:
            i += 1
        if i < n and text[i] != "=" and tag == "blockquote" and name == "expandable":
            argument = "1"  # the one attribute Telegram accepts without a value
            continue
        if i >= n or text[i] != "=":
            raise EntityParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {pos}'
            )
        i += 1
        while i < n and text[i] in SPACES:
            i += 1
        if i >= n:
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {pos}')
        value, i = _attribute_value(text, i)
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {pos}")
        if tag == "a" and name == "href":
            argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            argument = value[9:]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            argument = value[3:]
        elif tag == "tg-emoji" and name == "emoji-id":
            argument = value
        elif tag == "blockquote" and name == "expandable":
            argument = "1"
    if tag == "span" and argument != "spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {pos}')
    stack.append((tag, argument, offset))
    return i + 1


def _attribute_value(text: str, i: int) -> tuple[str, int]:
    n = len(text)
    if text[i] not in "'\"":
        # An unquoted name token: letters, digits, periods and hyphens.
        start = i
        while i < n and (text[i].isalnum() or text[i] in ".-"):
            i += 1
        if i < n and text[i] not in SPACES and text[i] != ">":
            pos = _byte_offset(text, start)
            raise EntityParseError(f"Unexpected end of name token at byte offset {pos}")
        return text[start:i].lower(), i
    quote = text[i]
    i += 1
    value: list[str] = []
    while i < n and text[i] != quote:
        if text[i] == "&":
            decoded = _decode_entity(text, i)
            if decoded is not None:
                value.append(decoded[0])
                i = decoded[1]
                continue
        value.append(text[i])
        i += 1
    if i < n:
        i += 1
    return "".join(value), i


def _close_tag(
    text: str,
    begin: int,
    i: int,
    stack: list[tuple[str, str, int]],
    entities: list[JsonDict],
    offset: int,
) -> int:
    n = len(text)
    pos = _byte_offset(text, begin)
    if not stack:
        raise EntityParseError(f"Unexpected end tag at byte offset {pos}")
    i += 1  # skip "/"
    while i < n and text[i] not in SPACES and text[i] != ">":
        i += 1
    end_name = text[begin + 2 : i]
    while i < n and text[i] in SPACES:
        i += 1
    if i >= n or text[i] != ">":
        raise EntityParseError(f"Unclosed end tag at byte offset {pos}")
    tag, argument, start = stack.pop()
    if end_name and end_name.lower() != tag:
        raise EntityParseError(
            f'Unmatched end tag at byte offset {pos}, expected "</{tag}>", found "</{end_name}>"'
        )
    length = offset - start
    if length > 0:
        entities.append(_make_entity(tag, argument, start, length, entities))
    return i + 1


def _make_entity(
    tag: str, argument: str, start: int, length: int, entities: list[JsonDict]
) -> JsonDict:
    entity: JsonDict = {"type": TAG_TYPES[tag], "offset": start, "length": length}
    if tag == "a":
        entity["url"] = argument
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = argument
    elif tag == "blockquote" and argument:
        entity["type"] = "expandable_blockquote"
    elif tag == "pre":
        # <pre><code class="language-x">: Telegram merges both into one pre entity.
        inner = entities[-1] if entities else None
        if (
            inner is not None
            and inner["type"] == "code"
            and (inner["offset"], inner["length"]) == (start, length)
        ):
            entities.pop()
            if inner.get("language"):
                entity["language"] = inner["language"]
    elif tag == "code" and argument:
        entity["language"] = argument  # only kept if it ends up inside <pre>
    return entity


def strip_text(text: str, entities: list[JsonDict]) -> tuple[str, list[JsonDict]]:
    """Trim surrounding whitespace like Telegram does, shifting entities to match."""
    stripped = text.strip(WHITESPACE)
    if stripped == text:
        return text, [_clean(e) for e in entities]
    lead = utf16_len(text[: len(text) - len(text.lstrip(WHITESPACE))])
    total = utf16_len(stripped)
    result = []
    for entity in entities:
        begin = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > begin:
            result.append(_clean({**entity, "offset": begin, "length": end - begin}))
    return stripped, result


def _clean(entity: JsonDict) -> JsonDict:
    if entity["type"] == "code":
        entity = {k: v for k, v in entity.items() if k != "language"}
    return entity


def command_entities(text: str) -> list[JsonDict]:
    """bot_command entities as Telegram attaches them to incoming text."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in COMMAND_RE.finditer(text)
    ]
