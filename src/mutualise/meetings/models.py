"""Data and database constraints of the meetings app."""
