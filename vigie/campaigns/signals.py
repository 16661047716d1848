"""Signals other apps listen to, so that campaigns need not know them (the leak matchings purge with them)."""

from django.dispatch import Signal

#: Sent once a campaign's personal data is purged: ``sender=Campaign, campaign=<Campaign>``.
campaign_purged = Signal()
#: Sent by the periodic purge (``vigie campaign purge --due``): each app purges what is due, ``now=<datetime>``.
purge_due_run = Signal()
