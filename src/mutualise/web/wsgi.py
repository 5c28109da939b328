import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualise.web.settings")
application = get_wsgi_application()

# Refuse to serve without the audit key (a throwaway one only in debug or the demo).
from mutualise.audit.keys import signing_key  # noqa: E402

signing_key()
