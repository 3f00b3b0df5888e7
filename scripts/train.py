"""Trains the Rasa model when its inputs changed, and prints the model's path.

The model is named after a fingerprint of everything that shapes it (pipeline, domain,
training data, the custom tokenizer), so an unchanged project reuses its model and a
changed one never runs with a stale model.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import faq_nlu  # noqa: E402


def inputs() -> list:
    """Everything that shapes the model; the FAQ's NLU file is generated from knowledge/ first."""
    faq_nlu.generate()
    return ["config.yml", "bot/domain.yml", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "bot/data").rglob("*.yml")),
            *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "bot/nlu").rglob("*.py")), "knowledge/french.py",
            "requirements/lock.txt"]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for name in inputs():
        digest.update(name.encode())
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:16]


def model_path() -> Path:
    return ROOT / "models" / f"cqp-{fingerprint()}.tar.gz"


def train() -> Path:
    target = model_path()
    if target.exists():
        print(f"Modèle à jour : {target.relative_to(ROOT)}", file=sys.stderr)
        return target
    print("Entraînement du modèle (les données ont changé)…", file=sys.stderr)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONHASHSEED": "0"}
    subprocess.run(
        [str(ROOT / ".venv/bin/rasa"), "train", "--config", "config.yml", "--domain", "bot/domain.yml",
         "--data", "bot/data", "--out", "models", "--fixed-model-name", target.name[: -len(".tar.gz")]],
        cwd=ROOT, env=env, check=True, stdout=sys.stderr,  # stdout carries only the model path
    )
    for old in (ROOT / "models").glob("cqp-*.tar.gz"):
        if old != target:
            old.unlink()
    return target


if __name__ == "__main__":
    print(train().relative_to(ROOT))
