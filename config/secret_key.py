"""The development SECRET_KEY of a checkout, for the embedded site (DEBUG, no key set)."""

import os
import secrets
from pathlib import Path


def development_secret_key(path: Path) -> str:
    """This checkout's own development key, made once in `path` (outside git) so that every
    process of the site signs alike; a key of this process alone where it cannot be kept."""
    try:
        if kept := path.read_text().strip():
            return kept
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(50)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        made = path.with_name(f"{path.name}.{os.getpid()}")
        made.write_text(key)
        made.chmod(0o600)
        try:
            os.link(made, path)  # a process that got there first keeps its key
        except FileExistsError:
            pass
        finally:
            made.unlink()
        return path.read_text().strip() or key
    except OSError:
        return key
