#!/usr/bin/env python
"""Django's manage.py; `samla` (installed with the project) does the same."""

from samla.__main__ import main

if __name__ == "__main__":
    main()
