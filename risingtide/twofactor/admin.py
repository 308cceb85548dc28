"""The Django admin shows no secret of a second factor: django-otp hides a TOTP device's key
(``OTP_ADMIN_HIDE_SENSITIVE_DATA``), and its recovery-code admin (the codes themselves, in an
inline) is taken away. A lost factor is reset on the site (``twofactor:reset``), audited."""

from django.contrib import admin
from django_otp.plugins.otp_static import admin as _static_admin  # noqa: F401  (registers first)
from django_otp.plugins.otp_static.models import StaticDevice

if admin.site.is_registered(StaticDevice):
    admin.site.unregister(StaticDevice)
