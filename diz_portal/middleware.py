"""Middleware for the whole site."""

from django.conf import settings

from diz_portal.views import bad_request

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_nul(request) -> bool:
    """True when the path, the query string or a submitted form value holds a NUL byte.

    Uploaded files are not checked (binary files legitimately contain NULs, and the importer
    checks its own files); Django's multipart parser already drops control characters from
    their names.
    """
    if NUL in request.path or NUL in request.path_info:
        return True
    # QueryDict has already decoded %00, so this sees what a view would see.
    if any(
        NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()
    ):
        return True
    if request.method == "POST" and request.content_type in FORM_TYPES:
        # CsrfViewMiddleware reads request.POST for every POST anyway: no extra parsing.
        for key, values in request.POST.lists():
            if NUL in key or any(NUL in value for value in values):
                return True
    return False


class RejectNulBytesMiddleware:
    """Answer 400 to any request carrying a NUL byte, before it reaches a view or the database.

    PostgreSQL cannot store or even compare a string holding NUL ("A string literal cannot
    contain NUL"), so a search for `?q=%00` or a form with a NUL in a name would otherwise be a
    500. No real person types a NUL, so one check here covers every view, filter and form.
    It sits early in MIDDLEWARE so that the page cache never builds a key from such a path.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            response = bad_request(request)
            # The clickjacking middleware further down never sees this response.
            response.setdefault("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY"))
            return response
        return self.get_response(request)
