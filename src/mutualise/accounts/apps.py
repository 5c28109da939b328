from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mutualise.accounts"
    label = "accounts"
    verbose_name = "Sign-ins, invitations and roles"
