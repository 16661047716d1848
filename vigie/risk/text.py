"""The assessment as a plain report, in French or English, for a person reading a terminal or an e-mail."""

from __future__ import annotations

import re
import textwrap
from datetime import datetime

from .decision import Assessment
from .french import elapsed, paris_iso
from .language import Language, language
from .messages import Message
from .messages import render as write
from .obligations import Obligation

WIDTH = 100
_GLUE = "\u2007"
_NUMBER_AND_UNIT = re.compile(r"\d+ (h \d\d|h|heures?|jours?|minutes?|personnes|hours?|days?|persons)\b")


def render(result: Assessment, lang: str = "fr") -> str:
    """The whole report: decision first, then the two axes, ENISA score, formalities, reasons and assumptions."""
    writer = language(lang)

    def say(message_id: str, **params: object) -> str:
        return write(Message(message_id, dict(params)), writer)

    severity = result.severity
    lines = [*_para(write(result.decision_message, writer), writer), ""]
    lines += _para(say("report.risk", risk=result.risk), writer)
    if result.axes.event is not None:
        lines += _para(
            say(
                "report.axes", likelihood=result.axes.likelihood, severity=result.axes.severity, event=result.axes.event
            ),
            writer,
        )
    if result.data_subjects_channel == "public":
        lines += _para(say("report.public"), writer)
    lines += _para(
        say(
            "report.enisa", dpc=severity.dpc, ei=severity.ei, cb=severity.cb, score=severity.score, level=severity.level
        ),
        writer,
    )
    for line in severity.explanation_messages:
        lines += _para(write(line, writer), writer, indent="  - ", rest="    ")
    lines += _para(say("report.aware", moment=paris_iso(result.became_aware_at)), writer)
    if result.now is not None:
        lines += _para(say("report.now", moment=paris_iso(result.now)), writer)
    if result.late_notification:
        lines += _para(say("report.late"), writer)

    if result.events:
        lines += ["", say("report.events")]
        for event in result.events:
            text = say(
                "decision.matrix",
                event=event.event,
                likelihood=event.likelihood,
                severity=event.severity,
                risk=event.risk,
            )
            lines += _para(text, writer, indent="  - ", rest="    ")

    applicable = [o for o in result.obligations if o.status != "not_applicable"]
    lines += ["", say("report.formalities")]
    for obligation in applicable:
        lines += _obligation(obligation, result.now, writer)
    lines += ["", say("report.not_applicable")]
    for obligation in result.obligations:
        if obligation.status == "not_applicable":
            text = f"{write(obligation.title_message, writer)} — {_why(obligation, writer)}"
            lines += _para(text, writer, indent="  - ", rest="    ")

    lines += ["", say("report.reasons")]
    for why in result.reasons:
        mark = "+" if why.effect == "raises" else "−"
        lines += _para(write(why.message, writer), writer, indent=f"  {mark} ", rest="    ")
        lines += _para(
            say("report.source", text=write(why.source, writer).rstrip(".")), writer, indent="    ", rest="    "
        )
    if result.assumption_messages:
        lines += ["", say("report.assumptions")]
        for assumption in result.assumption_messages:
            lines += _para(write(assumption, writer), writer, indent="  - ", rest="    ")
    return "\n".join(lines) + "\n"


def _why(obligation: Obligation, writer: Language) -> str:
    return " ".join(write(why, writer) for why in obligation.why_messages)


def _obligation(obligation: Obligation, now: datetime | None, writer: Language) -> list[str]:
    status = write(Message("report.status", {"status": obligation.status}), writer)
    lines = _para(f"[{status}] {write(obligation.title_message, writer)}", writer, indent="  ", rest="    ")
    if obligation.due is not None:
        due_id = "report.due_from_detection" if obligation.clock == "incident_detected_at" else "report.due"
        when = write(Message(due_id, {"moment": paris_iso(obligation.due)}), writer)
        if now is not None:
            left = elapsed(now, obligation.due)
            if obligation.overdue:
                when += write(Message("report.late_by", {"span": -left.total_seconds()}), writer)
            else:
                when += write(Message("report.left", {"span": left.total_seconds()}), writer)
        else:
            when += "."
        lines += _para(when, writer, indent="    ", rest="      ")
    lines += _para(_why(obligation, writer), writer, indent="    ", rest="    ")
    basis = write(Message("report.basis", {"text": write(obligation.basis_message, writer).rstrip(".")}), writer)
    lines += _para(basis, writer, indent="    ", rest="    ")
    return lines


def _para(text: str, writer: Language, indent: str = "", rest: str = "") -> list[str]:
    # Typography first, so that a line is never broken before a colon; numbers are kept with their unit
    # ("08 h 40", "3 heures") by a temporary glue character that becomes a plain space again.
    glued = _NUMBER_AND_UNIT.sub(lambda match: match.group(0).replace(" ", _GLUE), writer.typo(text))
    lines = textwrap.wrap(
        glued, WIDTH, initial_indent=indent, subsequent_indent=rest, break_on_hyphens=False, break_long_words=False
    )
    return [line.replace(_GLUE, " ") for line in lines]
