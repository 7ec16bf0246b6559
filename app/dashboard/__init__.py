"""The dashboard at `/`: vendors, credentials, the live request journal, faults and reset."""

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
