"""Connected in RectificationConfig.ready: every problem found becomes a rectification item."""

from cleangov.core.signals import problem_found


def connect() -> None:
    from .actions import receive_problem

    problem_found.connect(receive_problem, dispatch_uid="rectification.receive_problem")
