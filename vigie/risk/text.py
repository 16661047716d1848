"""The assessment as a plain French report, for a person reading a terminal or an e-mail."""

from __future__ import annotations

import re
import textwrap
from datetime import datetime

from .decision import Assessment
from .french import date_time, decimal, duration, elapsed, typo
from .obligations import Obligation
from .vocabulary import RISK_LABELS_FR, SEVERITY_LABELS_FR, STATUS_LABELS_FR

WIDTH = 100
_GLUE = "\u2007"
_NUMBER_AND_UNIT = re.compile(r"\d+ (h \d\d|h|heures?|jours?|minutes?|personnes)\b")


def render(result: Assessment) -> str:
    """The whole report: decision first, then risk, ENISA score, formalities, reasons and assumptions."""
    severity = result.severity
    lines = [*_para(result.decision), ""]
    lines += _para(f"Niveau de risque : {RISK_LABELS_FR[result.risk]} (RGPD art. 33 et 34).")
    if result.data_subjects_channel == "public":
        lines += _para("Information des personnes : par une communication publique (RGPD art. 34(3)(c)).")
    lines += _para(
        f"Gravité selon la méthode ENISA : SE = DPC × EI + CB = {severity.dpc} × {decimal(severity.ei)} "
        f"+ {decimal(severity.cb)} = {decimal(severity.score)}, gravité {SEVERITY_LABELS_FR[severity.level]}."
    )
    for line in severity.explanation:
        lines += _para(line, indent="  - ", rest="    ")
    lines += _para(f"Prise de connaissance : {date_time(result.became_aware_at)}.")
    if result.now is not None:
        lines += _para(f"Situation au {date_time(result.now)}.")
    if result.late_notification:
        lines += _para(
            "Attention : le délai de 72 heures pour notifier la CNIL est dépassé ; la notification doit "
            "indiquer les motifs du retard."
        )

    applicable = [o for o in result.obligations if o.status != "not_applicable"]
    lines += ["", "Formalités"]
    for obligation in applicable:
        lines += _obligation(obligation, result.now)
    lines += ["", "Formalités sans objet"]
    for obligation in result.obligations:
        if obligation.status == "not_applicable":
            lines += _para(f"{obligation.title} — {obligation.why}", indent="  - ", rest="    ")

    lines += ["", "Raisons"]
    for reason in result.reasons:
        mark = "+" if reason.effect == "raises" else "−"
        lines += _para(reason.text, indent=f"  {mark} ", rest="    ")
        lines += _para(f"Source : {reason.basis}.", indent="    ", rest="    ")
    if result.prudent_assumptions:
        lines += ["", "Hypothèses prudentes (faits non renseignés)"]
        for assumption in result.prudent_assumptions:
            lines += _para(assumption, indent="  - ", rest="    ")
    return "\n".join(lines) + "\n"


def _obligation(obligation: Obligation, now: datetime | None) -> list[str]:
    status = STATUS_LABELS_FR[obligation.status]
    lines = _para(f"[{status}] {obligation.title}", indent="  ", rest="    ")
    if obligation.due is not None:
        when = f"Échéance : {date_time(obligation.due)}"
        if now is not None:
            left = elapsed(now, obligation.due)
            if obligation.overdue:
                when += f", en retard de {duration(-left)}"
            else:
                when += f", il reste {duration(left)}"
        lines += _para(when + ".", indent="    ", rest="      ")
    lines += _para(obligation.why, indent="    ", rest="    ")
    lines += _para(f"Base : {obligation.basis}.", indent="    ", rest="    ")
    return lines


def _para(text: str, indent: str = "", rest: str = "") -> list[str]:
    # French spacing first, so that a line is never broken before a colon; numbers are kept with their
    # unit ("08 h 40", "3 heures") by a temporary glue character that becomes a plain space again.
    glued = _NUMBER_AND_UNIT.sub(lambda match: match.group(0).replace(" ", _GLUE), typo(text))
    lines = textwrap.wrap(
        glued, WIDTH, initial_indent=indent, subsequent_indent=rest, break_on_hyphens=False, break_long_words=False
    )
    return [line.replace(_GLUE, " ") for line in lines]
