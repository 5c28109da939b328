from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "mutualise.participation"
    label = "participation"
