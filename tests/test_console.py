"""Console mode: the real bot in a terminal through the emulator (python -m bot console)."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT


def test_console_chats_with_the_real_bot() -> None:
    script = "/start\n!press Español\n!press Perú\n!press Omitir\n!press Omitir\n/next\n!quit\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--lang", "es"],
        input=script, capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "bot> ¡Le damos la bienvenida!" in out
    assert "[🇵🇪 Perú]" in out
    assert "bot> Próxima sesión" in out
    assert "🕑 09:00 (hora de Perú) · 3 horas" in out
    assert "console:" not in out.split("\n", 1)[1]  # no timeouts, no missing buttons
