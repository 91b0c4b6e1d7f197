"""Uploaded documents (partners' agreement templates, signed agreements): PDF or Word only.

The format is read from the file's first bytes, never from its name: a PDF starts "%PDF-", and a
Word document (DOCX) is a zip archive holding word/document.xml. Anything else, a PNG renamed
"agreement.pdf" or a zip of something else, is refused. Files are stored under a random name with
the extension of the format found, like images (diz_portal.images).

Signed agreements are private: they live in PRIVATE_MEDIA_ROOT (DJANGO_PRIVATE_MEDIA_ROOT), a
folder no web server serves, and reach people only through views that check who is asking
(`document_response`).
"""

import os
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

from diz_portal.images import RandomImageName

PDF, DOCX = ".pdf", ".docx"
KINDS = {PDF: "PDF", DOCX: "Word"}
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
NOT_A_DOCUMENT = "The agreement must be a PDF or Word (DOCX) file"
MACROS = "The Word file must not contain macros: save it as a plain Word document (DOCX)"


def _megabytes(size):
    return f"{size / 1024 / 1024:.0f} MB"


def detected_extension(file):
    """The extension, ".pdf" or ".docx", read from the first bytes of `file` (its position is
    kept); None for anything else."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(5)
        if head == b"%PDF-":
            return PDF
        if head[:4] != b"PK\x03\x04":
            return None
        file.seek(0)
        try:
            # Reads the archive's directory only; nothing is decompressed.
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        return DOCX if "word/document.xml" in names else None
    finally:
        file.seek(position)


def has_macros(file):
    """True for a Word file carrying a VBA project (a .docm renamed .docx)."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return any(name.lower().endswith("vbaproject.bin") for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(position)


def validate_document(upload):
    """A PDF or DOCX under DOCUMENT_UPLOAD_MAX_BYTES, by its bytes."""
    limit = settings.DOCUMENT_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"The file must be smaller than {_megabytes(limit)}", code="too_large"
        )
    extension = detected_extension(upload)
    if extension is None:
        raise ValidationError(NOT_A_DOCUMENT, code="invalid_document")
    if extension == DOCX and has_macros(upload):
        raise ValidationError(MACROS, code="macros")


@deconstructible
class RandomDocumentName(RandomImageName):
    """upload_to callable: `<folder>/<random hex>.pdf` or `.docx`, by the file's bytes."""

    def __call__(self, instance, filename):
        upload = self._upload(instance, filename)
        extension = (detected_extension(upload) if upload is not None else None) or ".bin"
        return f"{self.folder}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomDocumentName) and other.folder == self.folder


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (DJANGO_PRIVATE_MEDIA_ROOT), which no web server serves.
    `url()` refuses, so no template or widget can link to them by mistake: they are served
    only by views that check who asks (document_response). The folder is read from the
    settings when first used, like MEDIA_ROOT, so tests can point it elsewhere."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Private files have no public URL; link to a view that checks access.")


private_storage = PrivateFileSystemStorage()


def get_private_storage():
    """FileField(storage=…) callable, so migrations name the function, not the folder."""
    return private_storage


def describe(fieldfile):
    """The kind and size ("PDF, 240 KB") of a stored document; just the kind when its size
    cannot be read (a missing file must not break the page). No query."""
    if not fieldfile:
        return ""
    extension = os.path.splitext(fieldfile.name)[1].lower()
    kind = KINDS.get(extension, "Document")
    try:
        size = fieldfile.size
    except (OSError, ValueError):
        return kind
    return f"{kind}, {file_size(size)}"


def file_size(size):
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def document_response(fieldfile, download_name):
    """The stored document as a download named `download_name` plus its extension; 404 when
    the file is missing. The caller has checked who may have it."""
    if not fieldfile:
        raise Http404("No file")
    extension = os.path.splitext(fieldfile.name)[1].lower()
    try:
        handle = fieldfile.storage.open(fieldfile.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("File missing") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{download_name}{extension}",
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    # Personal: never kept by a shared cache, nor by the browser's.
    response["Cache-Control"] = "private, no-store"
    return response
