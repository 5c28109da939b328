"""`{% audit_notice subject %}` on a result notice, `{% audit_head organisation %}` on a public
page: the published chain heads and ballot digests that make a later rewrite show."""

from django import template

from mutualise.audit import services

register = template.Library()


@register.inclusion_tag("audit/_notice.html")
def audit_notice(subject):
    return {"record": services.notice_record(subject)}


@register.inclusion_tag("audit/_head.html")
def audit_head(organisation):
    return {"head": services.chain_head(organisation), "organisation": organisation}
