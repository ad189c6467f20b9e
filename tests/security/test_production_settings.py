"""Production settings refuse unsafe configurations and turn on secure cookies and HSTS.

Settings are read once per process, so each case runs Django in a fresh subprocess.
"""

import json
import os
import subprocess
import sys

SETUP = "import django; django.setup()"
PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k, None) for k in ("
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'DEBUG', 'SECURE_SSL_REDIRECT')}))"
)
GOOD_SECRET = "x7Qp2vLr9sKd8mWn3bTf6hYc1gJz4eUa5oRi0lPq"  # 40+ random-looking characters


def run(code: str, tmp_path, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CLEANGOV_") and k != "DATABASE_URL"}
    full_env.update({"DJANGO_SETTINGS_MODULE": "cleangov.settings", "CLEANGOV_DATA_DIR": str(tmp_path),
                     "CLEANGOV_ENV": "production", **env})
    return subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_refuses_to_start_without_secret_key(tmp_path):
    result = run(SETUP, tmp_path, CLEANGOV_IDENTITY_KEY=GOOD_SECRET)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "CLEANGOV_SECRET_KEY" in result.stderr


def test_refuses_short_secret_key(tmp_path):
    result = run(SETUP, tmp_path, CLEANGOV_SECRET_KEY="short", CLEANGOV_IDENTITY_KEY=GOOD_SECRET)
    assert result.returncode != 0 and "CLEANGOV_SECRET_KEY" in result.stderr


def test_refuses_debug_in_production(tmp_path):
    result = run(SETUP, tmp_path, CLEANGOV_SECRET_KEY=GOOD_SECRET, CLEANGOV_IDENTITY_KEY=GOOD_SECRET,
                 CLEANGOV_DEBUG="1")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DEBUG" in result.stderr


def test_secure_cookies_and_hsts_with_real_secrets(tmp_path):
    result = run(PRINT, tmp_path, CLEANGOV_SECRET_KEY=GOOD_SECRET, CLEANGOV_IDENTITY_KEY=GOOD_SECRET + "-id")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] > 0
    assert values["DEBUG"] is False


def test_development_settings_are_not_marked_secure(tmp_path):
    """The contrast case: without CLEANGOV_ENV=production the secure flags stay off (plain HTTP works)."""
    result = run(PRINT, tmp_path, CLEANGOV_ENV="development")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] is False
    assert not values["SECURE_HSTS_SECONDS"]
