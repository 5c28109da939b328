"""Governance: who holds which office, whether the organisation is run as its rules say (the
health check), and what it must publish (the accountability page, annual reports)."""
