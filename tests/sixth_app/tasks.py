from django_tasks import task


@task()
def sweep_task() -> dict:
    return {"swept": True}
