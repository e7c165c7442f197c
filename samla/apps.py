"""The project package as an app, so its templates, commands and translations are found."""

from django.apps import AppConfig


class SamlaConfig(AppConfig):
    name = "samla"
    verbose_name = "Samla"

    def ready(self) -> None:
        from samla.api import messages

        messages.install()
