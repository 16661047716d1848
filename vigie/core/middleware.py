"""Guards in front of every view: request bodies capped before they are read, query strings without NUL
characters, and personal data kept out of every cache on the way back."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

# The views that receive files, with how many files one request may carry. Every other view takes a body of at
# most DATA_UPLOAD_MAX_MEMORY_SIZE. Named here, in one place, so that the cap of each is visible at a glance.
UPLOAD_VIEWS = {
    "campaigns:new": 1,  # the list of affected persons
    "leaks:new": 2,  # the leaked file and, optionally, the patients' list
    "documents:letterhead": 1,  # the logo (1 MB at most, checked by the form)
    "compliance:hds_import": 1,  # the ANS list of HDS-certified hosts
    "api-v1:list_campaigns": 1,  # POST: the API's upload of a list
    "api-v1:save_logo": 1,
}
MULTIPART_OVERHEAD = 1024 * 1024  # boundaries, part headers and the other fields of the form


def max_request_bytes(view_name: str | None) -> int:
    """The largest body a request to ``view_name`` may announce."""
    files = UPLOAD_VIEWS.get(view_name or "", 0)
    if files:
        return files * int(settings.VIGIE_MAX_UPLOAD_BYTES) + MULTIPART_OVERHEAD
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) + MULTIPART_OVERHEAD


class RequestSizeLimitMiddleware:
    """Refuse (413) a request whose ``Content-Length`` exceeds the cap of its view, before a byte of it is read.

    Django reads a WSGI body only up to its ``Content-Length`` (a body without one, chunked, reads as empty), so
    checking the announced length bounds what is read and spooled to disk. Without this, a 300 MB upload was
    written whole to a temporary file before the form refused it. The reverse proxy should cap bodies too
    (``docs/security.md``), so that they never reach the application server at all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE):  # only large bodies pay for resolving the URL
            try:
                view_name = resolve(request.path_info).view_name
            except Resolver404:
                view_name = None
            limit = max_request_bytes(view_name)
            if length > limit:
                message = _("The request is too large (%(size)s MB; at most %(limit)s MB).") % {
                    "size": round(length / 1e6),
                    "limit": round(limit / 1e6),
                }
                return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """``Cache-Control: private, no-store`` on every answer to a signed-in person or an API token, and on every
    download: they may carry personal data (persons lists, ledgers, letters, the register), which no browser
    cache, shared proxy or back button may keep. Public pages (the poster's notice, static files) are unchanged.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        private = (
            (user is not None and user.is_authenticated)
            or getattr(request, "api_token", None) is not None
            or "attachment" in response.get("Content-Disposition", "")
        )
        if private:
            patch_cache_control(response, private=True, no_store=True)  # "private" drops any "public"
        return response


class NoNulCharactersMiddleware:
    """Refuse (400) a query string that carries a NUL character (``?q=%00``).

    No page takes one, and PostgreSQL refuses it in any text it compares (an HTTP 500 wherever a parameter reaches
    a filter); forms refuse it already (Django's ``ProhibitNullCharactersValidator``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            return HttpResponse(
                _("The address holds a character that no page accepts (NUL)."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
