"""Mail that really goes out: one call, `send`, for every message the apps write.

The apps never build an EmailMessage themselves: they name a template and a recipient, and this
app renders, records and delivers it (see services.py).
"""
