# Store only the SHA-256 of invitation tokens. Renaming keeps existing values unique; an old token's value read
# as a hash matches no link, so invitations sent before this change simply stop working (none exist yet).

import vigie.accounts.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="invitation",
            old_name="token",
            new_name="token_hash",
        ),
        migrations.AlterField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(
                default=vigie.accounts.models._unusable_token_hash, editable=False, max_length=64, unique=True
            ),
        ),
    ]
