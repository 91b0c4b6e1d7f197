"""Uploaded images (partner logos, project pictures): raster formats only, checked by Pillow.

SVG is refused because it can carry script. Files are stored under a random name so an upload
can neither overwrite another file nor leak its original name.
"""

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}


def validate_image(upload):
    max_bytes = settings.IMAGE_UPLOAD_MAX_BYTES
    max_pixels = settings.IMAGE_UPLOAD_MAX_PIXELS
    if upload.size > max_bytes:
        raise ValidationError(
            f"The image is {upload.size / 1024 / 1024:.1f} MB; the limit is "
            f"{max_bytes / 1024 / 1024:.0f} MB.",
            code="too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = image.format
            width, height = image.size
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError("Upload a PNG, JPEG or WebP image.", code="invalid_format")
            if width * height > max_pixels:
                raise ValidationError(
                    f"The image is {width}×{height} pixels; the limit is "
                    f"{max_pixels:,} pixels in all.",
                    code="too_many_pixels",
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            "This file is not a PNG, JPEG or WebP image we can read.", code="invalid_image"
        ) from exc
    finally:
        upload.seek(position)


@deconstructible
class RandomImageName:
    """upload_to callable: `<folder>/<random hex><extension of the real format>`."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        extension = os.path.splitext(filename)[1].lower()
        if extension not in {".png", ".jpg", ".jpeg", ".webp"}:
            extension = ".img"
        return f"{self.folder}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomImageName) and other.folder == self.folder
