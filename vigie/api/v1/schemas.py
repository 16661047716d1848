"""The shapes of the API's requests and answers (pydantic), from which the OpenAPI schema is generated.

The facts of a breach are built from the model's own fields (``FACT_FIELDS`` of ``vigie.breaches.models``):
their types, lengths and choices come from one place, and a fact added there appears here (and in the committed
schema, whose test then asks for it to be regenerated).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    create_model,
)

from vigie.breaches.choices import BreachType, DataCategory, Medium, PersonCategory
from vigie.breaches.models import FACT_FIELDS, Breach
from vigie.documents.limits import dossier_max_length

MAX_TEXT = dossier_max_length("breach", "description")  # the dossier schema's: every document can still be made
# A text that the timeline quotes after a sentence of its own leaves room for it (as the forms do).
MAX_QUOTED = dossier_max_length("timeline", "summary") - 1000
MAX_INT = 2**31 - 1  # the database's integer


def _no_nul(value: str) -> str:
    # PostgreSQL refuses the NUL character in text; no real text holds one.
    if "\x00" in value:
        raise ValueError(_("The NUL character is not allowed."))
    return value


def _plausible(value: datetime) -> datetime:
    if not 1900 <= value.year <= 2999:
        raise ValueError(_("The year must be between 1900 and 2999."))
    return value


def _text_only(value: Any) -> Any:
    # A moment is written as text (ISO 8601): a number is not read as seconds since 1970.
    if not isinstance(value, str | datetime):
        raise ValueError(_("A date and time with its offset is expected, e.g. 2026-03-28T09:15:00+01:00."))
    return value


# Strict types in bodies: JSON says what it means, so 0 is not false and "3" is not 3.
Text = Annotated[StrictStr, AfterValidator(_no_nul)]
Moment = Annotated[AwareDatetime, BeforeValidator(_text_only), AfterValidator(_plausible)]
Bool = StrictBool
Int = StrictInt

# The facts kept as JSON lists, and the choices of their items.
LIST_CHOICES: dict[str, type[models.TextChoices]] = {
    "breach_types": BreachType,
    "data_categories": DataCategory,
    "person_categories": PersonCategory,
    "media": Medium,
}


def _literal(choices: list[Any]) -> Any:
    return Literal[tuple(value for value, _label in choices if value != "")]


def _fact_type(name: str) -> tuple[Any, str]:
    """The pydantic type of one fact (never null-forbidding: null means "unknown") and its description."""
    field = Breach._meta.get_field(name)
    with translation.override("en"):  # the schema is in English, whatever the language of the request
        description = str(field.verbose_name)  # type: ignore[union-attr]
    if name in LIST_CHOICES:
        item = _literal(LIST_CHOICES[name].choices)
        return Annotated[list[item], Field(max_length=50)] | None, description  # type: ignore[valid-type]
    if isinstance(field, models.DateTimeField):
        return Moment | None, description
    if isinstance(field, models.BooleanField):
        return Bool | None, description
    if isinstance(field, models.PositiveIntegerField):
        return Annotated[Int, Field(ge=0, le=MAX_INT)] | None, description
    if isinstance(field, models.FloatField):
        return Annotated[StrictFloat, Field(ge=0, le=1_000_000, allow_inf_nan=False)] | None, description
    if isinstance(field, models.CharField | models.TextField) and field.choices:
        return _literal(list(field.choices)) | None, description
    if isinstance(field, models.CharField):
        return Annotated[Text, Field(max_length=field.max_length)] | None, description
    if isinstance(field, models.TextField):
        return Annotated[Text, Field(max_length=MAX_TEXT)] | None, description
    raise TypeError(f"No API type for the fact {name!r} ({type(field).__name__}): add one in {__name__}.")


def _facts_model(model_name: str, *, required: tuple[str, ...], doc: str) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for name in FACT_FIELDS:
        annotation, description = _fact_type(name)
        if name in required:
            # Required and never null: strip the "| None" of the fact's type.
            annotation = next(arg for arg in annotation.__args__ if arg is not type(None))
            fields[name] = (annotation, Field(description=description))
        else:
            fields[name] = (annotation, Field(default=None, description=description))
    model = create_model(model_name, __config__=ConfigDict(extra="forbid"), **fields)
    model.__doc__ = doc
    return model


BreachCreate = _facts_model(
    "BreachCreate",
    required=("title", "became_aware_at"),
    doc="A breach to declare: a title, the moment you became aware, and any facts already known (null: unknown). "
    "With the minimum facts, the breach is assessed at once.",
)
BreachFactsPatch = _facts_model(
    "BreachFactsPatch",
    required=(),
    doc="The facts to change; those left out are unchanged, null clears one. The breach is assessed again.",
)
BreachFacts = _facts_model("BreachFacts", required=(), doc="Every fact of the breach as recorded (null: unknown).")


def facts_of(breach: Breach) -> dict[str, Any]:
    return {name: (getattr(breach, name) if getattr(breach, name) not in ("", []) else None) for name in FACT_FIELDS}


def to_changes(data: dict[str, Any]) -> dict[str, Any]:
    """API values as the service's: null becomes the column's empty value (text "", list [])."""
    out = {}
    for name, value in data.items():
        field = Breach._meta.get_field(name)
        if value is None and name in LIST_CHOICES:
            value = []
        elif value is None and isinstance(field, models.CharField | models.TextField):
            value = ""
        elif value is None and name == "acting_as":
            value = field.default  # type: ignore[union-attr]
        out[name] = value
    return out


# --- Answers ------------------------------------------------------------------------------------------------


class Organisation(BaseModel):
    id: int
    name: str
    kind: str


class TokenInfo(BaseModel):
    name: str
    prefix: str
    scope: Literal["read", "write"]
    expires_at: datetime | None
    role: Literal["readonly", "member", "dpo", "owner"] = Field(description="The role of the token's member.")
    user: str = Field(description="The e-mail address of the token's member.")


class Index(BaseModel):
    version: Literal["1"]
    organisation: Organisation
    token: TokenInfo
    schema_url: str
    docs_url: str


class Obligation(BaseModel):
    id: str = Field(examples=["notify_cnil"])
    title: str
    status: Literal["required", "recommended", "not_applicable"]
    due: datetime | None
    overdue: bool
    overruled: bool = Field(description="Turned on or off by the DPO's decision.")
    basis: str
    why: str
    done: bool
    done_at: datetime | None
    reference: str = Field(description="E.g. the CNIL receipt number.")
    note: str
    delay_reasons: str


class BreachObligation(Obligation):
    breach_id: int
    breach_reference: str


class Decision(BaseModel):
    assessed: bool
    assessed_at: datetime | None
    risk: str | None
    notify_authority: bool | None = Field(description="As it stands: the DPO's decision wins over the computation.")
    notify_data_subjects: bool | None
    overridden: bool
    summary: str
    missing_facts: list[str]


class BreachSummary(BaseModel):
    id: int
    reference: str
    title: str
    status: Literal["draft", "assessed", "closed"]
    became_aware_at: datetime
    risk: str | None
    created_at: datetime
    updated_at: datetime


class BreachDetail(BreachSummary):
    closed_at: datetime | None
    facts: BreachFacts  # type: ignore[valid-type]
    decision: Decision
    obligations: list[Obligation]


class Assessment(BaseModel):
    assessed: bool
    assessed_at: datetime | None
    missing_facts: list[str]
    decision: Decision
    result: dict[str, Any] | None = Field(
        description="The decision core's result as computed and stored (risk, severity, reasons, obligations)."
    )


class TimelineEntry(BaseModel):
    id: int
    at: datetime
    kind: str
    summary: str = Field(description="What the entry says, in the language asked (Accept-Language).")
    record: str = Field(description="The entry as written in the journal, in French: the record.")
    author: str | None


class BreachPage(BaseModel):
    items: list[BreachSummary]
    next_cursor: str | None = Field(description="Pass it as ``cursor`` for the next page; null on the last one.")


class Overrule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    notify_authority: Bool
    notify_data_subjects: Bool
    justification: Annotated[Text, Field(max_length=MAX_QUOTED)]


class ObligationDone(BaseModel):
    model_config = ConfigDict(extra="forbid")
    done_at: Moment
    reference: Annotated[Text, Field(max_length=200)] = ""
    note: Annotated[Text, Field(max_length=MAX_QUOTED)] = ""
    delay_reasons: Annotated[Text, Field(max_length=MAX_QUOTED)] = Field(
        default="", description="Required for a CNIL notification made after the 72 hours (GDPR art. 33(1))."
    )


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[Text, Field(max_length=MAX_QUOTED)] = ""


class Note(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[Text, Field(min_length=1, max_length=MAX_QUOTED)]


class Closing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Annotated[Text, Field(max_length=MAX_QUOTED)] = ""
    justification: Annotated[
        Text,
        Field(
            max_length=MAX_TEXT,
            description="Why the breach is closed while a required obligation is not done (422 without it).",
        ),
    ] = ""


class Prefill(BaseModel):
    model_config = ConfigDict(extra="forbid")
    activity_ids: Annotated[list[Annotated[Int, Field(ge=1, le=MAX_INT)]], Field(max_length=200)]


class Changed(BaseModel):
    changed: list[str] = Field(description="The facts that really changed.")
    breach: BreachDetail


class DocumentKind(BaseModel):
    kind: str = Field(examples=["cnil-initial"])
    title: str
    formats: list[str]
    status: Literal["todo", "generated", "sent"]
    applies: str


class DocumentList(BaseModel):
    ready: bool = Field(description="False until the breach is assessed: no document can be made before.")
    documents: list[DocumentKind]


class Progress(BaseModel):
    total: int
    done: int
    percent: float
    counts: dict[str, int]


class Campaign(BaseModel):
    id: int
    breach_id: int
    status: Literal["draft", "importing", "ready", "running", "paused", "done", "purged", "failed"]
    source_name: str
    persons_count: int
    channel_rules: dict[str, Any]
    rate_limit: float
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    purge_after: datetime | None
    import_done: int
    import_total: int
    import_report: dict[str, Any] = Field(description="The validation report: lines, columns, reasons; no values.")
    rehearsal: bool = Field(description="Started without a mail server: nothing was sent (counts: rehearsed).")
    progress: Progress


class ImportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mapping: dict[Annotated[str, Field(max_length=64)], Annotated[Text, Field(max_length=300)]] | None = Field(
        default=None,
        description="Vigie field → column of the file; left out, the mapping guessed at upload is used.",
    )


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    order: Annotated[list[Literal["email", "letter", "sms"]], Field(min_length=1, max_length=3)]
    rate: Annotated[StrictFloat, Field(ge=0, le=1000, allow_inf_nan=False)] = Field(
        default=0, description="E-mails per second; 0: the installation's setting."
    )


class Purged(BaseModel):
    purged: int
    campaign: Campaign


class Person(BaseModel):
    id: int
    line: int = Field(description="Line in the imported file.")
    state: str
    channel: str
    name: str
    email: str
    address: list[str]
    phone: str
    attempts: int
    queued_at: datetime | None
    sent_at: datetime | None
    letter_batch: int | None
    bounce_at: datetime | None


class PersonPage(BaseModel):
    items: list[Person]
    next_cursor: str | None
