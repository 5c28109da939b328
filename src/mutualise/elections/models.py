"""Data and database constraints of the elections app."""
