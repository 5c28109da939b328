from django.apps import AppConfig


class StakeConfig(AppConfig):
    name = "mutualise.stake"
    label = "stake"

    def ready(self) -> None:
        # why: the app registry is ready only in ready()
        from . import signals  # noqa: F401  (opening balances from the register import)
