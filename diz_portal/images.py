"""Uploaded images (partner logos, project pictures): raster formats only, checked by Pillow.

SVG is refused because it can carry script. Files are stored under a random name so an upload
can neither overwrite another file nor leak its original name.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
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


def detected_extension(file):
    """The extension of the format Pillow finds in `file` (".png", ".jpg", ".webp"), or None."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            return ALLOWED_FORMATS.get(image.format)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        return None
    finally:
        file.seek(position)


@deconstructible
class RandomImageName:
    """upload_to callable: `<folder>/<random hex><extension of the real format>`.

    The extension comes from the bytes, never the uploaded name: a PNG called `photo.webp`
    is stored as `.png`, so the server sends it with the right Content-Type.
    """

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        upload = self._upload(instance, filename)
        extension = (detected_extension(upload) if upload is not None else None) or ".img"
        return f"{self.folder}/{uuid.uuid4().hex}{extension}"

    def _upload(self, instance, filename):
        """The file being saved: the one not yet in storage, in a field that uses us."""
        for field in instance._meta.concrete_fields:
            if getattr(field, "upload_to", None) != self:
                continue
            fieldfile = getattr(instance, field.attname)
            if fieldfile and not fieldfile._committed and fieldfile.name == filename:
                return fieldfile.file
        return None

    def __eq__(self, other):
        return isinstance(other, RandomImageName) and other.folder == self.folder


def remove_replaced_file(instance, field_name, old_name):
    """Once the transaction commits, delete `old_name` from storage if it is no longer the
    field's file and no row of the model still uses it (a copied row may share it).

    A rollback keeps the old file, which the row then still names.
    """
    field = instance._meta.get_field(field_name)
    if not old_name or old_name == getattr(instance, field_name).name:
        return
    manager = type(instance)._default_manager

    def delete():
        if not manager.filter(**{field_name: old_name}).exists():
            field.storage.delete(old_name)

    transaction.on_commit(delete, robust=True)
