from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "mutualise.register"
    label = "register"
    verbose_name = "Organisations and members"
