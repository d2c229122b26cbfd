import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commentariat.settings.base")
django_application = get_asgi_application()

from commentariat.core.page_cache_asgi import PageCacheASGIApplication  # noqa: E402  (needs settings)

# Page-cache hits are answered before Django's middleware; everything else goes to Django.
application = PageCacheASGIApplication(django_application)
