from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "mutualise.mail"
    label = "mail"
    verbose_name = "Mail to members and officers"
