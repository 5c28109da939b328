from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "mutualise.meetings"
    label = "meetings"
