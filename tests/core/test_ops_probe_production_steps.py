"""The README's production steps, followed as written, leave Parley able to write where it
writes: the code is cloned by root, the services run as the `parley` user, and the admin's
import upload is saved under PARLEY_UPLOAD_DIR (default `.uploads` in the checkout)."""

import re
from pathlib import Path

from django.conf import settings

README = Path(__file__).resolve().parents[2] / "README.md"


def production_steps() -> list[str]:
    text = README.read_text()
    section = text[text.index("## Running in production") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines()]


def test_the_upload_folder_is_made_writable_for_the_services():
    """Before the services start, a step gives the parley user the default upload folder
    (a root-owned checkout refused the admin's import upload: PermissionError, a 500)."""
    steps = production_steps()
    upload_dir = Path(settings.MEDIA_ROOT).relative_to(settings.BASE_DIR)
    made = [
        index
        for index, step in enumerate(steps)
        if step.startswith("install -d")
        and "-o parley" in step
        and step.endswith(f"/srv/parley/{upload_dir}")
    ]
    started = next(i for i, step in enumerate(steps) if step.startswith("systemctl enable"))
    assert made and made[0] < started, steps
