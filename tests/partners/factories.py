"""Factories for the partners tests; shared ones live in tests.factories."""

import io
from datetime import timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from partners.models import Invitation
from tests import factories


def give_totp(user):
    """Activate an authenticator app for `user`, as if they had scanned the QR code."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


def remove_two_factor(user):
    """Staff as they are before their first sign-in: no authenticator app."""
    Authenticator.objects.filter(user=user).delete()
    return user


def make_invitation(partner=None, email="new.person@example.org", *, created_by=None, age=None):
    """An invitation and the token its email would carry. `age` backdates it (a timedelta)."""
    invitation = Invitation(email=email, partner=partner or factories.make_partner())
    invitation.created_by = created_by
    token = invitation.new_token()
    if age is not None:
        invitation.created_at -= age
        invitation.expires_at -= age
    invitation.save()
    return invitation, token


def expired(days):
    return timedelta(days=days + 1)


def image_upload(fmt="PNG", size=(40, 20), name=None):
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 94, 165)).save(buffer, format=fmt)
    extension = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif", "BMP": "bmp"}[fmt]
    content_type = f"image/{extension.replace('jpg', 'jpeg')}"
    return SimpleUploadedFile(name or f"logo.{extension}", buffer.getvalue(), content_type)


def svg_upload():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    return SimpleUploadedFile("logo.svg", svg, "image/svg+xml")


def text_upload():
    return SimpleUploadedFile("logo.png", b"this is not an image at all", "image/png")


def now():
    return timezone.now()
