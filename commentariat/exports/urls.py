from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("<int:year>/<int:month>/<uslug:slug>/print/", views.print_view, name="print"),
    path("<int:year>/<int:month>/<uslug:slug>/pdf/", views.pdf_view, name="pdf"),
    path("<int:year>/<int:month>/<uslug:slug>/email/", views.email_view, name="email"),
]
