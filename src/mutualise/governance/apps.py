from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "mutualise.governance"
    label = "governance"

    def ready(self) -> None:
        # why: the app registry is ready only in ready()
        from . import signals  # noqa: F401  (elections' declared terms enter the register)
