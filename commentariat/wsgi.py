import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commentariat.settings.base")
django_application = get_wsgi_application()

from commentariat.core.page_cache_wsgi import PageCacheApplication  # noqa: E402  (needs settings)

# Page-cache hits are answered before Django's middleware; everything else goes to Django.
application = PageCacheApplication(django_application)
