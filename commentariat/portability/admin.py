from django.contrib import admin

from .models import LegacyAddress


@admin.register(LegacyAddress)
class LegacyAddressAdmin(admin.ModelAdmin):
    """Old addresses of an imported site; an operator may add or correct one here."""

    list_display = ["address", "post"]
    search_fields = ["address", "post__title"]
    raw_id_fields = ["post"]
