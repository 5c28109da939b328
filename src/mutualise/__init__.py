"""mutualise: the system a member-owned organisation runs itself on."""

__version__ = "0.1.0"
