"""Texts as ids and parameters, rendered at display time in French or English.

The core never stores a sentence alone: a reason, an obligation or an assumption carries a ``Message`` (an id of
``catalogue.py`` and JSON parameters), so that the same stored assessment reads in the user's language, and an
old breach still renders after the wording improves. The French rendering is stored beside it as the record.

A template names how each parameter is written: ``{count:int}``, ``{hours:decimal}``, ``{moment:date}``,
``{categories:labels:data_category}`` (a list of ids, as labels joined « a, b et c »), ``{origin:label:origin}``,
``{what:msg}`` (another message id, without parameters), ``{cases:list}`` (a list of plain items),
``{parts:pairs:cb_part}`` (a list of ``[id, number]``, as « label number, label number »).
"""

from __future__ import annotations

import copy
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .language import Language, language
from .vocabulary import LABELS


@dataclass(frozen=True, slots=True)
class Message:
    """A text of the core: its catalogue id and its parameters (plain JSON values)."""

    id: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str | Language = "fr") -> str:
        """The text in ``lang`` (``fr`` or ``en``); raises ``KeyError`` for an id the catalogue lacks."""
        return render(self, lang)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "params": {key: _json(value) for key, value in self.params.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        return cls(str(data["id"]), dict(data.get("params") or {}))


def _json(value: Any) -> Any:
    if isinstance(value, tuple | list | frozenset | set):
        return [_json(item) for item in (sorted(value) if isinstance(value, frozenset | set) else value)]
    return value


class _Formatter(string.Formatter):
    def __init__(self, lang: Language) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        kind, _, vocabulary = format_spec.partition(":")
        lang = self.lang
        if kind == "int":
            return lang.integer(int(value))
        if kind == "decimal":
            return lang.decimal(float(value))
        if kind == "date":
            return lang.date_time(datetime.fromisoformat(str(value)))
        if kind == "duration":
            return lang.duration(timedelta(seconds=float(value)))
        if kind == "label":
            return LABELS[vocabulary][lang.code].get(str(value), str(value))
        if kind == "labels":
            table = LABELS[vocabulary][lang.code]
            return lang.join(sorted(table.get(str(item), str(item)) for item in value))
        if kind == "pairs":
            table = LABELS[vocabulary][lang.code]
            return ", ".join(
                f"{table.get(str(name), str(name))} {lang.decimal(float(number))}" for name, number in value
            )
        if kind == "list":
            return lang.join([str(item) for item in value])
        if kind == "msg":
            return render(Message(str(value)), lang)
        if isinstance(value, int) and not isinstance(value, bool):
            return lang.integer(value)
        if isinstance(value, float):
            return lang.decimal(value)
        formatted: str = super().format_field(value, format_spec)
        return formatted


def template(message_id: str, lang: str | Language = "fr") -> str:
    """The raw template of ``message_id`` in ``lang``."""
    from .catalogue import MESSAGES

    code = lang.code if isinstance(lang, Language) else language(lang).code
    french, english = MESSAGES[message_id]
    return french if code == "fr" else english


def render(message: Message, lang: str | Language = "fr") -> str:
    """``message`` written in ``lang``, with the typography of that language."""
    writer = lang if isinstance(lang, Language) else language(lang)
    text = _Formatter(writer).vformat(template(message.id, writer), (), message.params)
    return writer.typo(text)


def render_all(messages: Iterable[Message], lang: str | Language = "fr") -> str:
    """Several messages as one paragraph."""
    return " ".join(render(message, lang) for message in messages)


def _render_stored(stored: Any, lang: str | Language) -> str | None:
    """A stored message (a dict) or list of them, rendered; ``None`` when it cannot be (an id since removed)."""
    try:
        if isinstance(stored, Mapping):
            return render(Message.from_dict(stored), lang)
        if isinstance(stored, Sequence) and not isinstance(stored, str):
            return render_all((Message.from_dict(item) for item in stored), lang)
    except (KeyError, ValueError, IndexError):
        return None
    return None


def localise(result: Mapping[str, Any] | None, lang: str | None) -> dict[str, Any] | None:
    """A stored assessment (``Assessment.to_dict()``) with its texts rendered in ``lang``.

    Each text whose message is kept under an ``i18n`` key is rendered again; a text without one (an assessment
    stored before the texts became messages) keeps its stored French wording, except obligation titles in another
    language, which follow from the obligation id. The result is a copy; ``result`` is left untouched.
    """
    if result is None:
        return None
    out: dict[str, Any] = copy.deepcopy(dict(result))
    writer = language(lang)

    def apply(item: dict[str, Any], key: str, stored: Any) -> None:
        text = _render_stored(stored, writer)
        if text is not None:
            item[key] = text

    def apply_list(item: dict[str, Any], key: str, stored: Any) -> None:
        if isinstance(stored, list):
            texts = [_render_stored(message, writer) for message in stored]
            if all(text is not None for text in texts):
                item[key] = texts

    top = out.get("i18n") or {}
    if "decision" in top:
        apply(out, "decision", top["decision"])
    if "prudent_assumptions" in top:
        apply_list(out, "prudent_assumptions", top["prudent_assumptions"])
    for reason in out.get("reasons") or []:
        for key, stored in (reason.get("i18n") or {}).items():
            apply(reason, key, stored)
    out["obligations"] = localise_obligations(out.get("obligations") or [], lang)
    severity = out.get("severity")
    if isinstance(severity, dict) and "explanation" in (severity.get("i18n") or {}):
        apply_list(severity, "explanation", severity["i18n"]["explanation"])
    return out


def localise_obligations(obligations: Sequence[Mapping[str, Any]], lang: str | None) -> list[dict[str, Any]]:
    """Stored obligations (``Assessment.to_dict()["obligations"]``) with title, basis and why in ``lang``, from
    their stored messages; an obligation stored without them keeps its texts, its title translated by id."""
    writer = language(lang)
    out = []
    for stored in obligations:
        obligation = dict(stored)
        messages = obligation.get("i18n")
        if not messages:
            # Stored before texts were messages: in French the recorded title stands; in another language the
            # title still follows from the obligation's id.
            messages = {} if writer.french else {"title": {"id": f"obligation.{obligation.get('id')}.title"}}
        for key, message in messages.items():
            text = _render_stored(message, writer)
            if text is not None:
                obligation[key] = text
        out.append(obligation)
    return out
