"""What the benches share about the server processes they start."""

from __future__ import annotations

import signal
import subprocess


def stop(process: subprocess.Popen, grace_seconds: float = 10.0) -> None:
    """Stop a server as an operator does: SIGTERM, which `serve` answers by shutting down cleanly;
    killed only if it is still running after the grace period."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
