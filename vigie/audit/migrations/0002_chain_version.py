# Entries written before this migration keep their plain SHA-256 (chain version 1, verified as before); every entry
# written after it is keyed (version 2, HMAC-SHA256 under the audit key). `vigie audit checkpoint` then anchors
# the whole chain, old entries included, outside the database.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='chain_version',
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='chain_version',
            field=models.PositiveSmallIntegerField(default=2),
        ),
    ]
