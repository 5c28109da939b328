from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "mutualise.web"
    label = "web"
    verbose_name = "mutualise web shell"
