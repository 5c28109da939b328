from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "mutualise.elections"
    label = "elections"
