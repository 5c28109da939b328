from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mutualise.audit"
    label = "audit"
    verbose_name = "Audit log"
