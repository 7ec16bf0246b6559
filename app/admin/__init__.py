"""The control plane under /__admin."""
