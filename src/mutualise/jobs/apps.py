from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "mutualise.jobs"
    label = "jobs"
    verbose_name = "Long work and its progress"
