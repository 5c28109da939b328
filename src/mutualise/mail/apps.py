from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "mutualise.mail"
    label = "mail"
    verbose_name = "Mail to members and officers"

    def ready(self) -> None:
        # why: the app registry is ready only in ready()
        from . import checks  # noqa: F401  (registers the deploy checks)
