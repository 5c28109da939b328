"""Members' stake: share accounts and their append-only ledger, the s.30 share register, and
interest on shares. Pure arithmetic (rounding, per-day interest) is in constitution/money.py."""
