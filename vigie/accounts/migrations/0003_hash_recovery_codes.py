# Recovery codes were kept in clear by django-otp's static device; keep a keyed hash instead (see
# ``services.recovery_digest``, whose computation is repeated here as it stood when this migration was written).
# Codes already hashed (16 hexadecimal digits) are left as they are; a clear code has 8 base-32 characters.

import re

from django.db import migrations
from django.utils.crypto import salted_hmac

SALT = "vigie.accounts.recovery-code"
DIGEST = re.compile(r"[0-9a-f]{16}")


def hash_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all():
        if not DIGEST.fullmatch(token.token):
            token.token = salted_hmac(SALT, token.token, algorithm="sha256").hexdigest()[:16]
            token.save(update_fields=["token"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_invitation_token_hash"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.RunPython(hash_codes, migrations.RunPython.noop, elidable=True),
    ]
