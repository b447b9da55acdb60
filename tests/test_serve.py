"""`shuangbai serve` for real: gunicorn, a migrated SQLite instance folder, static files by whitenoise."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_with_pages_and_static_files(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="shuangbai.settings", SHUANGBAI_HOME=str(tmp_path))
    cli = [sys.executable, "-m", "shuangbai.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        page = urllib.request.urlopen(base + "/login/", timeout=5).read().decode()
        assert "登录" in page
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
        assert any(a.endswith(".css") for a in assets) and any("htmx" in a for a in assets)
        for asset in assets:
            response = urllib.request.urlopen(base + asset, timeout=5)
            assert response.status == 200 and len(response.read()) > 100, asset
        assert (tmp_path / "shuangbai.sqlite3").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)
