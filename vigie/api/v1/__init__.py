"""Version 1 of Vigie's REST API, at ``/api/v1/``, described by the OpenAPI 3.1 schema at ``/api/v1/schema/``.

django-ninja generates the schema from the routes' type annotations (pydantic), so what is documented is what is
validated. The committed copy, ``docs/api/openapi.json``, is checked against the code by the test suite and
regenerated with ``vigie api schema --write``.

Each resource is a router of its own module; a new one (incidents…) is one more ``add_router`` below.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from vigie.documents.dossier import DossierError

from ..auth import TokenAuth
from ..problems import MEDIA_TYPE, ApiProblem, django_errors, problem_response, pydantic_errors
from . import breaches, campaigns, documents, schemas
from .common import NO_STORE, answers

logger = logging.getLogger(__name__)

DESCRIPTION = """\
Vigie's API: the organisation's breaches, their deadlines and documents, the campaigns informing the persons \
concerned, the register.

**Authentication.** Every request carries a token of the organisation: `Authorization: Bearer vigie_…`. A member \
creates one on the page *API access* of the organisation (shown once), or the server's operator with \
`vigie api token create`. A token acts as its member, within the member's role; a *read* token only reads.

**Errors** are RFC 9457 problem details (`application/problem+json`), in French or English after \
`Accept-Language`. Problem types: `urn:vigie:problem:` followed by `bad-request`, `unauthorized`, `forbidden`, \
`read-only-token`, `not-found`, `conflict`, `too-large`, `validation`, `rate-limited`, `server-error`.

**Limits.** Each token may make a fixed number of requests per minute (429 with `Retry-After` beyond). Lists are \
paginated by cursor: pass the `next_cursor` of a page as `cursor` to get the next one.

**Personal data.** Answers are never cached (`Cache-Control: private, no-store`); reading the persons of a \
campaign, a document or the register is written to the access log, as in the pages.

**Webhooks.** Events are signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`); \
see the README.
"""


class VigieAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        # Errors are problem details: say so with their media type (RFC 9457 § 3).
        for path in schema["paths"].values():
            for operation in path.values():
                for response in operation.get("responses", {}).values():
                    content = response.get("content", {})
                    if content.get("application/json", {}).get("schema", {}).get("$ref", "").endswith("/Problem"):
                        response["content"] = {MEDIA_TYPE: content["application/json"]}
        schema["components"]["securitySchemes"]["TokenAuth"]["description"] = "A Vigie API token: vigie_…"
        return schema

    def create_response(self, request: HttpRequest, data: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().create_response(request, data, *args, **kwargs)
        response["Cache-Control"] = NO_STORE
        return response


api = VigieAPI(
    title="Vigie",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=TokenAuth(),
    openapi_url="/schema/",
    docs_url=None,  # the documentation page is Vigie's own (``views.docs``): CSP-clean, no CDN
)


@api.exception_handler(ApiProblem)
def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem_response(request, exc.code, exc.detail, errors=exc.errors, headers=exc.headers)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problem_response(request, "validation", _("Some values are not valid."), errors=pydantic_errors(exc.errors))


@api.exception_handler(DjangoValidationError)
def _refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    # A refusal of a service: about fields (422), or about the state the data is in (409).
    if hasattr(exc, "error_dict"):
        return problem_response(request, "validation", _("Some values are not valid."), errors=django_errors(exc))
    return problem_response(request, "conflict", " ".join(exc.messages), errors=django_errors(exc))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        "unauthorized",
        _("Give a valid API token: Authorization: Bearer vigie_…"),
        headers={"WWW-Authenticate": 'Bearer realm="vigie"'},
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(request, "not-found", _("Nothing here, or nothing this token may see."))


@api.exception_handler(ObjectDoesNotExist)
def _no_object(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _not_found(request, exc)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(request, "forbidden", _("The role of the token's member does not allow this."))


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(request, "too-large", _("The request is larger than this server accepts."))


@api.exception_handler(DossierError)
def _no_dossier(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(request, "conflict", _("The breach is not assessed yet: complete its facts first."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
            413: "too-large", 429: "rate-limited"}.get(exc.status_code, "bad-request")  # fmt: skip
    return problem_response(request, code, str(exc))


@api.exception_handler(Exception)
def _crash(request: HttpRequest, exc: Exception) -> HttpResponse:
    if settings.DEBUG and not settings.TESTING:
        raise exc
    logger.exception("API error on %s %s", request.method, request.path)
    return problem_response(request, "server-error", _("Something went wrong on the server; it has been logged."))


@api.get("/", response=answers({200: schemas.Index}), summary="This token and its organisation", tags=["api"])
def index(request: HttpRequest) -> dict[str, Any]:
    """Who the token acts as, in which organisation, with what scope; where the schema and documentation are."""
    token = request.api_token  # type: ignore[attr-defined]
    organisation = request.org  # type: ignore[attr-defined]
    return {
        "version": "1",
        "organisation": {"id": organisation.pk, "name": organisation.name, "kind": organisation.kind},
        "token": {
            "name": token.name,
            "prefix": token.prefix,
            "scope": token.scope,
            "expires_at": token.expires_at,
            "role": request.membership.role,  # type: ignore[attr-defined]
            "user": token.user.email,
        },
        "schema_url": "/api/v1/schema/",
        "docs_url": "/api/v1/docs/",
    }


api.add_router("", breaches.router)
api.add_router("", breaches.obligations_router)
api.add_router("", documents.router)
api.add_router("", campaigns.router)
api.add_router("", breaches.register_router)
