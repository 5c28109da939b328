from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mutualise.accounts"
    label = "accounts"
    verbose_name = "Sign-ins, invitations and roles"

    def ready(self):
        # why: the app registry is ready only in ready()
        from mutualise.register import erasure

        from .erasure import forget_member

        erasure.also_erase(forget_member)
