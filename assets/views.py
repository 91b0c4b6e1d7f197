from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def asset_list(request):
    return render(request, "assets/asset_list.html")
