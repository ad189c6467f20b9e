from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from cleangov.core.metrics import MetricResult, MetricSpec

from .access import require_view

WELLS_METRIC = MetricSpec(label="Wells", description="Wells registered", unit="count",
                          compute=lambda unit_ids, start, end: {u: MetricResult(Decimal(1)) for u in unit_ids})


@login_required
def index(request):
    require_view(request.user)
    return HttpResponse("wells")


def panel(user) -> dict:
    return {"greeting": f"Wells panel for {user.username}"}


def setup(stdout) -> None:
    stdout.write("wells ready")


def demo(context) -> None:
    context.log("wells demo")
