"""The documentation keeps up with the code: every environment variable the settings read
is in README's configuration table and in .env.example."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def variables_read_by_settings() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'\benv(?:\.[a-z_]+)?\(\s*"([A-Z][A-Z0-9_]+)"', source))


def test_every_setting_variable_is_documented():
    """README's table and .env.example name every variable config/settings.py reads."""
    names = variables_read_by_settings()
    assert len(names) > 30, "the pattern still finds the settings' variables"
    readme = (ROOT / "README.md").read_text()
    table = "\n".join(line for line in readme.splitlines() if line.startswith("| `"))
    example = (ROOT / ".env.example").read_text()
    assert sorted(n for n in names if f"`{n}`" not in table) == []
    assert sorted(n for n in names if not re.search(rf"^#? ?{n}=", example, re.M)) == []


def test_the_quickstart_is_two_commands():
    """The README opens with exactly `make run` and `make test`."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Quickstart\s+```sh\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]


def test_the_example_environment_file_can_be_sourced_by_a_shell():
    """README's recipe sources .env.example's copy (`set -a; . file; set +a`): every line
    must be one a POSIX shell reads, so no value after a bad one is lost."""
    import subprocess

    names = re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    script = "set -a; . ./.env.example; set +a; " + " ".join(
        f'printf "%s=%s\\n" {name} "${name}";' for name in names
    )
    done = subprocess.run(["sh", "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    values = dict(line.split("=", 1) for line in done.stdout.splitlines())
    assert values["DEFAULT_FROM_EMAIL"] == "Parley <comments@example.com>"
    assert all(values[name] for name in names if name != "SECRET_KEY"), values
