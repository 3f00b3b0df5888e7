"""Project checks: the training data validates, and the install step finds Python 3.10 or says why not."""
from __future__ import annotations

import subprocess

from tests.servers import ENV, RASA, ROOT


def test_rasa_data_validate_is_clean():
    # The FAQ's NLU file is generated from knowledge/ first, as `make train` and `make validate` do.
    subprocess.run([str(ROOT / ".venv/bin/python"), "scripts/faq_nlu.py"], cwd=ROOT, env=ENV, check=True)
    result = subprocess.run(
        [RASA, "data", "validate", "--config", "config.yml", "--domain", "bot/domain.yml", "--data", "bot/data",
         "--fail-on-warnings"],
        cwd=ROOT, env=ENV, capture_output=True, text=True,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "UserWarning" not in output, output[-4000:]


def test_install_fails_clearly_without_python_310(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PYENV_ROOT": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run([str(ROOT / "scripts" / "find_python310.sh")], env=env, capture_output=True, text=True, cwd=tmp_path)
    if result.returncode == 0:
        # This machine has a system python3.10 on /usr/bin: the script rightly found it.
        assert "3.10" in subprocess.run([result.stdout.strip(), "--version"], capture_output=True, text=True).stdout
        return
    assert "Python 3.10 introuvable" in result.stderr


def test_install_finds_python_310_among_pyenv_versions():
    result = subprocess.run([str(ROOT / "scripts" / "find_python310.sh")], env=ENV, capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stderr
    version = subprocess.run([result.stdout.strip(), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("Python 3.10")
