"""Typed callback data: one small codec per button family (like aiogram's CallbackData).

    @dataclass(frozen=True)
    class OpenGoal(CallbackData, prefix="g:o"):
        goal: int

    OpenGoal(12).pack() == "g:o:12";  OpenGoal.parse("g:o:12") == OpenGoal(12)
    CallbackQueryHandler(on_open, pattern=OpenGoal.pattern())

Fields are int (ASCII digits, at most 12), str (letters, digits, "_" and "-", at most 32), a
Literal of such words, or one of those with default None (then optional at the end). The
format is defined once, here; parse() rejects anything else (non-ASCII digits, empty fields,
extra parts, over Telegram's 64 bytes) and returns None, so handlers answer it politely.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import fields
from typing import Any, ClassVar, Literal, Self

MAX_BYTES = 64  # Telegram's limit for callback_data
INT = "[0-9]{1,12}"
WORD = "[A-Za-z0-9_-]{1,32}"


def _kind(hint: Any) -> tuple[str, type | tuple[str, ...], bool]:
    """(regex, converter or allowed words, optional) for one field's type hint."""
    optional = False
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        optional = True
        (hint,) = [a for a in args if a is not type(None)]
    if typing.get_origin(hint) is Literal:
        words = tuple(str(a) for a in typing.get_args(hint))
        return "(?:" + "|".join(re.escape(w) for w in words) + ")", words, optional
    if hint is int:
        return INT, int, optional
    if hint is str:
        return WORD, str, optional
    raise TypeError(f"callback field type {hint!r} is not supported")


class CallbackData:
    prefix: ClassVar[str]
    _fields: ClassVar[list[tuple[str, str, type | tuple[str, ...], bool]]]
    _regex: ClassVar[re.Pattern[str]]

    def __init_subclass__(cls, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.prefix = prefix

    @classmethod
    def _compile(cls) -> None:
        if "_regex" in cls.__dict__:
            return
        hints = typing.get_type_hints(cls)
        specs = []
        regex = "^" + re.escape(cls.prefix)
        for f in fields(cls):  # type: ignore[arg-type]
            part, kind, optional = _kind(hints[f.name])
            specs.append((f.name, part, kind, optional))
            regex += f"(?::{part})?" if optional else f":{part}"
        cls._fields = specs
        cls._regex = re.compile(regex + r"\Z")

    @classmethod
    def pattern(cls) -> re.Pattern[str]:
        """For CallbackQueryHandler(pattern=...): matches exactly what parse() accepts."""
        cls._compile()
        return cls._regex

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        cls._compile()
        if not data or len(data.encode()) > MAX_BYTES or not cls._regex.match(data):
            return None
        parts = data[len(cls.prefix):].split(":")[1:]
        values: dict[str, Any] = {}
        for (name, _part, kind, _optional), raw in zip(cls._fields, parts, strict=False):
            values[name] = int(raw) if kind is int else raw
        return cls(**values)

    def pack(self) -> str:
        self._compile()
        parts = [self.prefix]
        values = [getattr(self, name) for name, *_ in self._fields]
        while values and values[-1] is None:  # optional fields at the end may be left out
            values.pop()
        parts += [str(v) for v in values]
        data = ":".join(parts)
        if not self._regex.match(data) or len(data.encode()) > MAX_BYTES:
            raise ValueError(f"cannot pack {self!r} as callback data: {data!r}")
        return data
