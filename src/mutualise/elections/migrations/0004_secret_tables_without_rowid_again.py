"""0003 added `organisation` to the ballot-box tables, and on SQLite Django remade them as ordinary
tables with rowids: rebuild them WITHOUT ROWID again (storage.py says why; the secrecy test checks)."""

from django.db import migrations


def _without_rowid(apps, schema_editor):
    from mutualise.elections.storage import SECRET_TABLES, rebuild_without_rowid

    for table in SECRET_TABLES:
        rebuild_without_rowid(schema_editor.connection, table)


class Migration(migrations.Migration):
    dependencies = [("elections", "0003_organisation_everywhere")]
    operations = [migrations.RunPython(_without_rowid, migrations.RunPython.noop)]
