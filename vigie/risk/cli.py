"""``vigie assess FACTS.json [--now ISO-8601] [--format json|text] [--lang fr|en]`` (contract: assessment-result.md).

Deliberately free of Django: ``vigie/cli.py`` hands ``assess`` over to ``main`` before loading settings, and
``python -m vigie.risk assess …`` works from a bare checkout. Invalid input exits with status 2 and one
``path: message`` line per problem on standard error, with nothing on standard output.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NoReturn

from .decision import assess
from .facts import FactsError, Problem, parse_datetime, parse_facts
from .language import LANGUAGES
from .text import render

INVALID = 2
# What a JSON document is, in JSON's words (a message names no Python type).
_JSON_NAMES: dict[type, str] = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}

# The help in each language (``--lang en --help`` gives it in English).
HELP: dict[str, dict[str, str]] = {
    "fr": {
        "description": "Évaluer une violation de données personnelles : vraisemblance × gravité, risque, gravité "
        "ENISA, formalités et délais.",
        "facts": "faits de la violation (fichier JSON, ou - pour l'entrée standard)",
        "now": "instant de référence des décomptes, avec fuseau (par défaut : maintenant)",
        "format": "json (défaut hors terminal) ou text (défaut dans un terminal)",
        "lang": "langue des textes du rapport et du JSON : fr (défaut) ou en (English)",
        "epilog": """\
Faits (vigie/risk/schema/breach-facts.schema.json, version 2 ; les fichiers v1 restent valides) :
  became_aware_at                 prise de connaissance de la violation (départ des 72 heures CNIL)
  incident_detected_at            détection de l'incident ou de l'attaque (plainte pour l'assurance, ARS, NIS2)
  processor_informed_at           alerte reçue du sous-traitant (art. 33(2))
  nature.certainty                confirmed | suspected (violation avérée ou suspectée)
  data.media                      server, workstation, laptop, phone, usb_key, backup_media, paper, email,
                                  postal_mail, cloud, other
  data.special_extent             minor | substantial | highly_sensitive (étendue des données sensibles)
  data.key_compromised            clé de chiffrement ou sel compromis
  data.already_public             données déjà publiques de façon licite
  confidentiality.accessed        données ouvertes ou consultées par un tiers
  confidentiality.recipient_bound_by_secrecy
                                  destinataire tenu au secret professionnel
Un fait absent est lu de la façon la plus prudente, et le rapport le dit.
""",
    },
    "en": {
        "description": "Assess a personal-data breach: likelihood × severity, risk, ENISA severity, formalities and "
        "deadlines.",
        "facts": "facts of the breach (a JSON file, or - for standard input)",
        "now": "reference moment of the countdowns, with its offset (default: now)",
        "format": "json (default when not a terminal) or text (default in a terminal)",
        "lang": "language of the report's and the JSON's texts: fr (default) or en",
        "epilog": """\
Facts (vigie/risk/schema/breach-facts.schema.json, version 2; v1 files stay valid):
  became_aware_at                 awareness of the breach (starts the CNIL's 72 hours)
  incident_detected_at            detection of the incident or attack (insurance complaint, ARS, NIS2)
  processor_informed_at           when the processor alerted the controller (art. 33(2))
  nature.certainty                confirmed | suspected
  data.media                      server, workstation, laptop, phone, usb_key, backup_media, paper, email,
                                  postal_mail, cloud, other
  data.special_extent             minor | substantial | highly_sensitive (extent of the special-category data)
  data.key_compromised            encryption key or hash salt compromised
  data.already_public             data already lawfully public
  confidentiality.accessed        data opened or read by someone not entitled
  confidentiality.recipient_bound_by_secrecy
                                  recipient bound by professional secrecy
A fact left out is read the prudent way, and the report says so.
""",
    },
}


class _Invalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Invalid([Problem("arguments", message)])


def _parser(lang: str = "fr") -> argparse.ArgumentParser:
    texts = HELP["en" if lang == "en" else "fr"]
    parser = _Parser(
        prog="vigie assess",
        description=texts["description"],
        epilog=texts["epilog"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("facts", metavar="FACTS.json", help=texts["facts"])
    parser.add_argument("--now", metavar="ISO-8601", help=texts["now"])
    parser.add_argument("--format", choices=("json", "text"), help=texts["format"])
    parser.add_argument("--lang", choices=LANGUAGES, default="fr", help=texts["lang"])
    return parser


def _help_language(argv: list[str]) -> str:
    """The ``--lang`` asked for, read before parsing so that ``--help`` is written in it."""
    for index, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
    return "fr"


def main(argv: list[str] | None = None) -> int:
    """Run ``vigie assess``; returns the exit status (0, or 2 for invalid input)."""
    try:
        args = _parser(_help_language(sys.argv[1:] if argv is None else argv)).parse_args(argv)
        now = _now(args.now)
        facts = parse_facts(_load(args.facts))
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else 0
    except (_Invalid, FactsError) as invalid:
        _report(invalid.problems)
        return INVALID

    result = assess(facts, now=now)
    fmt = args.format or ("text" if sys.stdout.isatty() else "json")
    if fmt == "json":
        sys.stdout.write(json.dumps(result.to_dict(args.lang), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render(result, args.lang))
    return 0


def _now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        return parse_datetime(value)
    except ValueError as error:
        raise _Invalid([Problem("--now", str(error))]) from None


def _load(source: str) -> Mapping[str, Any]:
    """The decoded JSON of ``source`` (a path, or ``-`` for standard input)."""
    name = "<stdin>" if source == "-" else source
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise _Invalid([Problem(name, f"cannot read the file: {reason}")]) from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        problem = f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        raise _Invalid([Problem(name, problem)]) from None
    except ValueError as error:
        raise _Invalid([Problem(name, f"invalid JSON: {error}")]) from None
    if not isinstance(data, dict):
        raise _Invalid([Problem("", f"expected a JSON object, got {_JSON_NAMES.get(type(data), 'another value')}")])
    return data


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
