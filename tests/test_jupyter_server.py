"""Analysts open the notebooks in JupyterLab: start a real Jupyter server on loopback with a
token, list the notebooks through its REST API, run one notebook top to bottom in a kernel
the server starts (over the kernel websocket, as the Lab front end does), stop the server."""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid

import nbformat
import pytest
import requests
import websocket

from conftest import ROOT

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    token, port = secrets.token_hex(16), free_port()
    runtime = tmp_path_factory.mktemp("jupyter-runtime")
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime), MPLBACKEND="Agg", LOGISTICS_PACTS_ROOT=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT / 'notebooks'}", "--ServerApp.port_retries=0",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    session = requests.Session()
    session.headers["Authorization"] = f"token {token}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if session.get(f"{base}/api/status", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("jupyter server did not start: " + process.stderr.read()[-2000:])
    yield base, token, session
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_token_is_required(server):
    base, _, _ = server
    assert requests.get(f"{base}/api/contents", timeout=5).status_code == 403


def test_lists_the_notebooks(server):
    base, _, session = server
    listing = session.get(f"{base}/api/contents", timeout=10).json()
    names = {item["name"] for item in listing["content"] if item["type"] == "notebook"}
    committed = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert committed <= names


def run_cell(ws, code: str, timeout: float = 120) -> list[dict]:
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({"header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test", "session": uuid.uuid4().hex,
                                   "version": "5.3"}, "parent_header": {}, "metadata": {}, "channel": "shell",
                        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                                    "allow_stdin": False, "stop_on_error": True}}))
    messages, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = json.loads(ws.recv())
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        messages.append(message)
        if message["msg_type"] == "execute_reply":
            return messages
    raise AssertionError(f"cell did not finish in {timeout} s: {code[:80]}")


def test_runs_a_notebook_in_a_server_kernel(server, tmp_path):
    base, token, session = server
    specs = session.get(f"{base}/api/kernelspecs", timeout=10).json()["kernelspecs"]
    notebook = nbformat.read(ROOT / "notebooks" / "03-india-network.ipynb", as_version=4)
    name = notebook.metadata["kernelspec"]["name"]
    kernel_name = name if name in specs else "python3"
    # As Lab does when a notebook is opened: a session for the notebook's path, so the kernel runs in notebooks/.
    created = session.post(f"{base}/api/sessions", timeout=60, json={
        "path": "03-india-network.ipynb", "name": "03-india-network.ipynb", "type": "notebook", "kernel": {"name": kernel_name}})
    assert created.status_code == 201, created.text
    kernel = created.json()["kernel"]
    try:
        ws = websocket.create_connection(f"ws://{base[7:]}/api/kernels/{kernel['id']}/channels?token={token}", timeout=120)
        try:
            outputs = []
            for cell in notebook.cells:
                if cell.cell_type != "code":
                    continue
                source = cell.source.replace('output_dir = "../figures"', f'output_dir = {str(tmp_path)!r}')
                messages = run_cell(ws, source)
                reply = messages[-1]["content"]
                assert reply["status"] == "ok", reply
                outputs += [m for m in messages if m["msg_type"] == "display_data"]
            html = "".join(m["content"]["data"].get("text/html", "") for m in outputs)
            assert "India&#x27;s logistics-support agreements" in html and "<img" in html
            assert (tmp_path / "india-network-swimlanes.png").is_file()
        finally:
            ws.close()
    finally:
        session.delete(f"{base}/api/sessions/{created.json()['id']}", timeout=30)
