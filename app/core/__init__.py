"""Shared machinery: store, seeding, tokens, errors, request payloads, pagination."""
