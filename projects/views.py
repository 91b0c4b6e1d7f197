from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def project_list(request):
    return render(request, "projects/project_list.html")
