from django.apps import AppConfig


class StakeConfig(AppConfig):
    name = "mutualise.stake"
    label = "stake"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (opening balances from the register import)
