"""Networks gain theme and period; members become NetworkMembership rows (joined, left,
sharing), the existing pairs copied over; the progress roll-up table."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def copy_members(apps, schema_editor):  # type: ignore[no-untyped-def]
    network_model = apps.get_model("networks", "LearningNetwork")
    membership_model = apps.get_model("networks", "NetworkMembership")
    pairs = network_model.old_municipalities.through.objects.values_list(
        "learningnetwork_id", "municipality_id"
    )
    membership_model.objects.bulk_create(
        membership_model(network_id=network, municipality_id=municipality)
        for network, municipality in pairs
    )


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0001_initial"),
        ("tenants", "0002_municipality_number"),
    ]

    operations = [
        migrations.AddField(
            model_name="learningnetwork",
            name="theme",
            field=models.CharField(blank=True, max_length=200, verbose_name="tema"),
        ),
        migrations.AddField(
            model_name="learningnetwork",
            name="starts_on",
            field=models.DateField(blank=True, null=True, verbose_name="start"),
        ),
        migrations.AddField(
            model_name="learningnetwork",
            name="ends_on",
            field=models.DateField(blank=True, null=True, verbose_name="slutt"),
        ),
        migrations.AddConstraint(
            model_name="learningnetwork",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("starts_on__isnull", True),
                    ("ends_on__isnull", True),
                    ("ends_on__gte", models.F("starts_on")),
                    _connector="OR",
                ),
                name="networks_network_ends_after_start",
            ),
        ),
        migrations.CreateModel(
            name="NetworkMembership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("joined_on", models.DateField(default=django.utils.timezone.localdate, verbose_name="med fra")),
                ("left_on", models.DateField(blank=True, null=True, verbose_name="gikk ut")),
                ("sharing", models.CharField(choices=[("figures", "Bare statustall"), ("plans", "Statustall og planene (kun lesing)")], default="figures", max_length=20, verbose_name="deler")),
                ("municipality", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="network_memberships", to="tenants.municipality")),
                ("network", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="networks.learningnetwork")),
            ],
            options={
                "verbose_name": "nettverksmedlemskap",
                "verbose_name_plural": "nettverksmedlemskap",
                "ordering": ["network", "municipality__name", "id"],
                "constraints": [
                    models.UniqueConstraint(condition=models.Q(("left_on__isnull", True)), fields=("network", "municipality"), name="networks_one_current_membership"),
                    models.CheckConstraint(condition=models.Q(("left_on__isnull", True), ("left_on__gte", models.F("joined_on")), _connector="OR"), name="networks_membership_left_after_joined"),
                ],
            },
        ),
        migrations.RenameField(
            model_name="learningnetwork", old_name="municipalities", new_name="old_municipalities"
        ),
        migrations.AlterField(
            model_name="learningnetwork",
            name="old_municipalities",
            field=models.ManyToManyField(blank=True, related_name="+", to="tenants.municipality"),
        ),
        migrations.RunPython(copy_members, migrations.RunPython.noop),
        migrations.RemoveField(model_name="learningnetwork", name="old_municipalities"),
        migrations.AddField(
            model_name="learningnetwork",
            name="municipalities",
            field=models.ManyToManyField(blank=True, related_name="networks", through="networks.NetworkMembership", to="tenants.municipality"),
        ),
        migrations.CreateModel(
            name="ProgressSnapshot",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(verbose_name="dato")),
                ("figures", models.JSONField(default=dict, verbose_name="tall")),
                ("computed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="beregnet")),
                ("municipality", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="progress_snapshots", to="tenants.municipality")),
            ],
            options={
                "verbose_name": "fremdriftstall",
                "verbose_name_plural": "fremdriftstall",
                "ordering": ["municipality", "-date"],
                "constraints": [models.UniqueConstraint(fields=("municipality", "date"), name="networks_one_snapshot_per_day")],
            },
        ),
    ]
