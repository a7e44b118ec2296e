"""A URLconf with the admin only, so the admin tests do not depend on other modules' pages."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
