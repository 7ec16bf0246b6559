"""crowdmock: a local, stateful emulator of five vendors' HTTP APIs."""
