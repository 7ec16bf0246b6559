"""crowdmock: a local, stateful emulator of five vendors' HTTP APIs."""

__version__ = "0.2.0"
