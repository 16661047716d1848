"""Dependencies between Vigie's apps point one way: from the pages that gather everything down to the pure core.

    risk, identity, linkage          the decision core and the identity rules: pure Python, no Django
    common                           limits of what Vigie reads, the one spreadsheet writer, the one typst call:
                                     used by all, uses only the pure core (its French number formatter)
    accounts, audit                  who may act, and the journal of what they did
    breaches                         a breach, its facts, its decision and its obligations
    compliance, documents            prevention (record, poster, self-assessment); the documents of a breach
    campaigns                        informing the persons (its letters and e-mails are documents)
    leaks, incidents, api            built on all of the above
    core                             the home page, the dashboard and the commands that run everything

Each module's imports are read from its source (every form: ``import``, ``from … import``, relative, inside
functions). An app imports only the apps listed for it below; a new app declares its place here. Where a lower
app needs something of a higher one, it declares what it needs and the higher app plugs in when it loads
(``breaches.prevention`` and ``ComplianceConfig.ready``; ``AppConfig.persons_informed`` for the dossier).
"""

from __future__ import annotations

import ast
from pathlib import Path

VIGIE = Path(__file__).resolve().parents[2]

CORE = {"risk", "identity", "linkage"}
BASE = {"accounts", "audit", "common"}
BREACHES = BASE | {"breaches", "risk"}
ALLOWED: dict[str, set[str]] = {
    "risk": set(),
    "identity": set(),
    "linkage": {"identity"},
    "common": {"risk"},
    "accounts": {"audit", "common"},
    "audit": {"accounts", "common"},
    "breaches": BREACHES,
    "compliance": BREACHES,
    "documents": BREACHES,
    "campaigns": BREACHES | {"documents", "identity"},
    "leaks": BREACHES | {"campaigns", "identity", "linkage"},
    "incidents": BREACHES | {"campaigns", "documents", "identity"},
    "api": BREACHES | {"campaigns", "compliance", "documents", "leaks", "incidents"},
    "core": CORE | BREACHES | {"compliance", "documents", "campaigns", "leaks", "incidents", "api"},
}


def imported_apps(source: str, relative: Path) -> set[str]:
    """The other apps of ``vigie`` that ``source``, the module at ``relative`` in ``vigie/``, imports."""
    package = ["vigie", *relative.parts[:-1]]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            modules = [".".join([*base, *([node.module] if node.module else [])])]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            if parts[0] == "vigie" and len(parts) > 1 and parts[1] != relative.parts[0]:
                found.add(parts[1])
    return found


def app_modules() -> list[Path]:
    """Every module of every app, but its tests and migrations."""
    return [
        path
        for path in sorted(VIGIE.rglob("*.py"))
        if len(path.relative_to(VIGIE).parts) > 1
        and not {"tests", "migrations"} & set(path.relative_to(VIGIE).parts)
        and ".venv" not in path.parts
    ]


def edges() -> set[tuple[str, str, str]]:
    return {
        (path.relative_to(VIGIE).parts[0], other, str(path.relative_to(VIGIE)))
        for path in app_modules()
        for other in imported_apps(path.read_text(encoding="utf-8"), path.relative_to(VIGIE))
        if (VIGIE / other).is_dir()
    }


def test_every_app_has_its_place_in_the_layers() -> None:
    apps = {path.name for path in VIGIE.iterdir() if (path / "__init__.py").exists() and path.name != "tests"}
    assert apps - set(ALLOWED) == set()


def test_imports_point_down_the_layers() -> None:
    upward = {(app, other, module) for app, other, module in edges() if other not in ALLOWED.get(app, set())}
    assert upward == set()


def test_the_reader_sees_every_form_of_import() -> None:
    # Absolute, relative to a sibling app, inside a function; the app's own modules are not dependencies.
    source = (
        "from vigie.campaigns.models import Recipient\nfrom ..documents import render\nfrom . import models\n"
        "from .views import page\ndef f():\n    import vigie.leaks.services\n"
    )
    assert imported_apps(source, Path("breaches/services.py")) == {"campaigns", "documents", "leaks"}
    assert imported_apps(source, Path("breaches/management/commands/x.py")) == {"campaigns", "leaks"}


def test_no_import_is_guarded_and_no_service_imports_forms_or_template_tags() -> None:
    # A dependency is declared (requirements.txt) or it is not one: an ``except ImportError`` hides a broken one.
    guarded, presentational = [], []
    for path in app_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            caught = isinstance(node, ast.ExceptHandler) and isinstance(node.type, ast.Name) and node.type.id
            if caught in ("ImportError", "ModuleNotFoundError"):
                guarded.append(str(path.relative_to(VIGIE)))
            words = node.module.split(".") if isinstance(node, ast.ImportFrom) and node.module else []
            if path.stem == "services" and (words[-1:] == ["forms"] or "templatetags" in words):
                presentational.append(str(path.relative_to(VIGIE)))
    assert guarded == []
    assert presentational == []
