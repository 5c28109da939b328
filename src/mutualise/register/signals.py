"""Signals the register sends for the apps above it, so it need not know they exist."""

from django.dispatch import Signal

# Sent inside an import's transaction, after its members are written, when the file carried
# opening holdings (a "Shares" column): organisation, batch, opening_shares (external reference
# -> pence), on (the import's day), actor. The stake app writes the opening balances.
members_imported = Signal()
