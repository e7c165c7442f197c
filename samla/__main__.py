"""The `samla` command: Django's management commands with Samla's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["samla", *sys.argv[1:]])


if __name__ == "__main__":
    main()
