"""The dashboard at `/`: vendors, credentials, the live request journal, faults and reset."""

from importlib.resources import files
from pathlib import Path

# Installed inside the package (pyproject.toml's package-data); a plain folder in any non-zipped install.
STATIC_DIR = Path(str(files("crowdmock.dashboard") / "static"))
