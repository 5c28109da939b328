from mutualise.audit import services as audit
def silent(m):
    m.save()
def loud(m):
    m.save()
    _helper(m)
def _helper(m):
    audit.record(m.organisation, 'x')
