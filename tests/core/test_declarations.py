"""Every CleanGov app is loaded with its own declaring config.

Django falls back to a plain AppConfig when an apps.py module holds two candidate configs (say, the
app's config and the base it imported); that app would then silently vanish from the home page,
the navigation, the worker and the audit labels. CleanGovAppConfig sets itself ``default = False``
to prevent this; this test keeps it so.
"""

from django.apps import apps

from cleangov.core.declarations import CleanGovAppConfig, declarations

DECLARING_APPS = {"core", "accounts", "orgs", "deadlines", "duties", "ledgers", "finance", "rectification",
                  "cases", "whistleblowing", "democracy", "disclosure", "assessment"}


def test_each_app_is_loaded_with_its_declaring_config():
    for label in DECLARING_APPS:
        config = apps.get_app_config(label)
        assert isinstance(config, CleanGovAppConfig), f"{label} is loaded as {type(config).__name__}"
        assert type(config) is not CleanGovAppConfig
    assert {label for label, _declaration in declarations()} == DECLARING_APPS


def test_one_people_directory_and_the_worker_jobs():
    assert sum(1 for _label, d in declarations() if d.people is not None) == 1
    jobs = [job.name for _label, d in declarations() for job in d.periodic_jobs]
    assert sorted(jobs) == ["core.recover_tasks", "deadlines.tick", "democracy.open_financial_reviews",
                            "disclosure.schedule", "finance.expire_staged_uploads", "ledgers.checkpoints"]
    assert len(jobs) == len(set(jobs))
