"""The HTML index page at /."""
