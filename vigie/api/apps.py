from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "vigie.api"
    label = "api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        # The events that other apps' writes produce (a breach declared…) become webhook deliveries in the same
        # transaction: the receivers live here, so that nothing below this app knows webhooks exist.
        from . import events

        events.connect()

    def worker_started(self) -> None:
        """Called by ``vigie worker`` when it starts: keep the webhook clock ticking (one chain of ticks)."""
        from .tasks import ensure_ticking

        ensure_ticking()
