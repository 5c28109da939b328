from django.apps import AppConfig


class StakeConfig(AppConfig):
    name = "mutualise.stake"
    label = "stake"
