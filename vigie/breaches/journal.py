"""The texts of the journals (a breach's, an incident's): written once in French, shown in the reader's language.

A journal entry keeps two things. ``summary`` is the French sentence as written, the record that the documents
quote. ``message`` is the same sentence as pieces to render again: each piece an English msgid with its
parameters (``say``), or a text of the user's kept as typed (``typed``). A parameter is a plain value (a name, a
number, a reference) or a value in words that depends on the language: a moment, an obligation, yes or no, a
fact's value, a field's name, a term of the interface (``moment``, ``obligation``, ``yes_no``, ``fact``,
``field``, ``term``), a list of them (``joined``) or another message. ``render`` writes the pieces in the active
language through gettext; an entry written before messages existed has none and shows its ``summary``.

The msgids are marked with ``gettext_noop`` where they are written (a plural pair: ``journal.ngettext``), so that
``makemessages`` collects them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop

Piece = dict[str, Any]

# The separators of a list in a sentence, in words of the language (a French semicolon takes a space before).
SEMICOLON: Piece = {"term": gettext_noop("; ")}
AND: Piece = {"term": gettext_noop(" and ")}


def say(msgid: str, /, **params: Any) -> Piece:
    """A sentence: its msgid and its parameters."""
    return {"id": msgid, "params": params}


def ngettext(singular: str, plural: str, count: int, /, **params: Any) -> Piece:
    """A sentence whose words follow ``count``. Named after gettext's function so that ``makemessages`` collects
    the pair where it is written (``j.ngettext(…)``); it returns a piece, not a text."""
    return {"id": singular, "plural": plural, "count": count, "params": params}


def typed(text: str) -> Piece:
    """A text of the user's (a note, a justification): shown as typed, in every language."""
    return {"text": text}


def moment(value: datetime) -> Piece:
    return {"moment": value.isoformat()}


def obligation(obligation_id: str) -> Piece:
    return {"obligation": obligation_id}


def yes_no(value: bool) -> Piece:
    return {"yes_no": bool(value)}


def fact(name: str, value: Any) -> Piece:
    """The value of a breach's fact in words (``wording.shown``)."""
    return {"fact": name, "value": value.isoformat() if isinstance(value, datetime) else value}


def field(name: str) -> Piece:
    """The name of a breach's field."""
    return {"field": name}


def term(label: Any) -> Any:
    """A label of the interface: a lazy translation keeps its msgid (rendered in the reader's language), anything
    else is kept as written."""
    args = getattr(label, "_args", None)
    if isinstance(label, Promise) and isinstance(args, tuple) and len(args) == 1 and isinstance(args[0], str):
        return {"term": args[0]}
    return str(label)


def word(msgid: str) -> Piece:
    """A word of the interface by its msgid (marked with ``gettext_noop`` where it is written)."""
    return {"term": msgid}


def joined(items: Iterable[Any], sep: str | Piece = ", ") -> Piece:
    return {"join": list(items), "sep": sep}


def pieces(*parts: Piece | None) -> list[Piece]:
    """The pieces of one entry, those given (a ``None`` is a part that does not apply)."""
    return [part for part in parts if part is not None]


# --- Rendering ------------------------------------------------------------------------------------------------


def _value(value: Any) -> Any:
    """A parameter in words, in the active language."""
    if not isinstance(value, Mapping):
        return value
    from . import wording
    from .models import Breach, obligation_title

    if "id" in value or "text" in value:
        return _piece(value)
    if "moment" in value:
        return wording.moment(datetime.fromisoformat(value["moment"]))
    if "obligation" in value:
        return obligation_title(value["obligation"])
    if "yes_no" in value:
        return gettext("yes") if value["yes_no"] else gettext("no")
    if "fact" in value:
        name, raw = value["fact"], value.get("value")
        if isinstance(raw, str) and isinstance(Breach._meta.get_field(name), models.DateTimeField):
            raw = datetime.fromisoformat(raw)
        return wording.shown(name, raw)
    if "field" in value:
        return str(Breach._meta.get_field(value["field"]).verbose_name)  # type: ignore[union-attr]
    if "term" in value:
        return gettext(value["term"])
    if "join" in value:
        return str(_value(value.get("sep", ", "))).join(str(_value(item)) for item in value["join"])
    raise ValueError(f"not a journal parameter: {sorted(value)}")


def _piece(piece: Mapping[str, Any]) -> str:
    if "text" in piece:
        return str(piece["text"])
    params = {key: _value(value) for key, value in (piece.get("params") or {}).items()}
    if "plural" in piece:
        template = translation.ngettext(piece["id"], piece["plural"], int(piece.get("count") or 0))
    else:
        template = gettext(piece["id"])
    return template % params if params else template


def render(message: Iterable[Mapping[str, Any]], lang: str | None = None) -> str:
    """The entry's text in ``lang`` (the active language by default)."""
    if lang is not None:
        with translation.override(lang):
            return render(message)
    return " ".join(_piece(piece) for piece in message)


def shown(message: Any, summary: str) -> str:
    """What an entry says in the active language: its message rendered, else (an entry written before messages,
    a message that cannot be rendered any more) its recorded ``summary``."""
    if not message:
        return summary
    try:
        return render(message)
    except (KeyError, ValueError, TypeError, LookupError):
        return summary
