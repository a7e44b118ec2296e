"""Fill the working-day calendar with every year the installed ``chinesecalendar`` package knows.

Uses the historical models and the package reader directly (not the service),
as a migration must; later package upgrades are applied with
``tongban.core.workdays.seed_from_package``, which leaves operator-owned years alone.
"""

from django.db import migrations

from tongban.core.calendar_source import package_exceptions, package_note, package_years


def seed(apps, schema_editor):
    """Create each package year and its exceptions, skipping years already present."""
    alias = schema_editor.connection.alias
    year_model = apps.get_model("core", "CalendarYear")
    exception_model = apps.get_model("core", "CalendarException")
    present = set(year_model.objects.using(alias).values_list("year", flat=True))
    note = package_note()
    for year in package_years():
        if year in present:
            continue
        exception_model.objects.using(alias).bulk_create(
            exception_model(date=row.date, is_workday=row.is_workday, name=row.name)
            for row in package_exceptions(year)
        )
        year_model.objects.using(alias).create(year=year, source="chinesecalendar", note=note)


def unseed(apps, schema_editor):
    """Remove the years this migration (or a later re-seed) took from the package."""
    alias = schema_editor.connection.alias
    year_model = apps.get_model("core", "CalendarYear")
    exception_model = apps.get_model("core", "CalendarException")
    for year in year_model.objects.using(alias).filter(source="chinesecalendar").values_list("year", flat=True):
        exception_model.objects.using(alias).filter(date__year=year).delete()
    year_model.objects.using(alias).filter(source="chinesecalendar").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [migrations.RunPython(seed, unseed)]
