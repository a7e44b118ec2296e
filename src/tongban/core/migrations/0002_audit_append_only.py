"""The audit chain head row, and on PostgreSQL triggers that make the audit log append-only.

The triggers refuse UPDATE and DELETE of audit events even to SQL run outside
Django, and refuse deleting the chain head. TRUNCATE stays possible (the test
runner empties tables with it); in production the application role should not
hold the TRUNCATE privilege on these tables. SQLite has no such protection: there,
tampering is detected afterwards by ``tongban audit verify``.
"""

from django.db import migrations

GENESIS_HASH = "0" * 64

CREATE_TRIGGERS = """
CREATE OR REPLACE FUNCTION core_audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_audit_refuse_change();
DROP TRIGGER IF EXISTS core_auditchainhead_keep ON core_auditchainhead;
CREATE TRIGGER core_auditchainhead_keep
    BEFORE DELETE ON core_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION core_audit_refuse_change();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditchainhead_keep ON core_auditchainhead;
DROP FUNCTION IF EXISTS core_audit_refuse_change();
"""


def create_chain_head(apps, schema_editor):
    """The single row writers lock before appending; it starts at the genesis hash."""
    head_model = apps.get_model("core", "AuditChainHead")
    head_model.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"last_hash": GENESIS_HASH, "entry_count": 0}
    )


def create_triggers(apps, schema_editor):
    """PostgreSQL only: SQLite runs keep the Python-level refusal and the hash chain."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TRIGGERS, params=None)


def drop_triggers(apps, schema_editor):
    """Reverse of create_triggers."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGERS, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        # Leaving the row on reverse is harmless: the table goes with 0001.
        migrations.RunPython(create_chain_head, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
