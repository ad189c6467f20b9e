from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render


@login_required
def home(request):
    return render(request, "core/home.html", {})


@login_required
def audit_event_list(request):
    return HttpResponse("todo")


@login_required
def audit_event_detail(request, event_id):
    return HttpResponse("todo")


@login_required
def task_progress(request, task_id):
    return HttpResponse("todo")


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
