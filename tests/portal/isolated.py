"""Run a snippet of Django code in a fresh process with its own environment."""

import json
import os
import subprocess
import sys

from django.conf import settings


def run_django(script: str, **env) -> object:
    """Set Django up with `env` added, run `script`, return the JSON its last line prints."""
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "diz_portal.settings",
        "DJANGO_LOG_LEVEL": "CRITICAL",
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django, json; django.setup()\n" + script],
        env=full_env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
