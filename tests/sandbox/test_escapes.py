"""Escape attempts: each would succeed in a plain `python` process and must fail in the sandbox."""

from __future__ import annotations

import os
import socket

import pytest

from graphs.common.sandbox import Limits, isolation_report, run_python, run_tests

pytestmark = pytest.mark.slow
LIMITS = Limits(timeout_s=10.0)


def test_cannot_connect_to_a_listening_loopback_port_of_the_host():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        code = f"""import socket
s = socket.socket()
s.settimeout(2)
try:
    s.connect(("127.0.0.1", {port}))
    print("CONNECTED")
except OSError as exc:
    print("BLOCKED", type(exc).__name__)
"""
        res = run_python(code, LIMITS)
    assert "BLOCKED" in res.stdout and "CONNECTED" not in res.stdout


def test_external_address_fails_fast():
    if not isolation_report().get("network_namespace"):
        pytest.skip("without a network namespace we do not send traffic off the machine, even to TEST-NET")
    # 192.0.2.1 is TEST-NET-1 (documentation only); inside the empty netns no packet can leave anyway.
    code = """import socket
try:
    socket.create_connection(("192.0.2.1", 80), timeout=5)
    print("CONNECTED")
except OSError as exc:
    print("BLOCKED", type(exc).__name__)
"""
    res = run_python(code, LIMITS)
    assert "BLOCKED" in res.stdout and not res.timed_out


def test_cannot_write_outside_the_scratch_dir(tmp_path):
    target = tmp_path / "pwned.txt"
    os.chmod(tmp_path, 0o777)  # even a world-writable target dir must stay out of reach
    code = f"""import os
for attempt in (lambda: open({str(target)!r}, "w").write("x"),
                lambda: os.open({str(target)!r}, os.O_CREAT | os.O_WRONLY)):
    try:
        attempt()
        print("WROTE")
    except OSError as exc:
        print("BLOCKED", type(exc).__name__)
"""
    res = run_python(code, LIMITS)
    assert res.stdout.count("BLOCKED") == 2, res
    assert not target.exists()


def test_cannot_read_secrets_from_the_environment(monkeypatch):
    monkeypatch.setenv("MO_TEST_SECRET", "hunter2-very-secret")
    code = """import os
print("ENV", os.environ.get("MO_TEST_SECRET"))
for pid in (os.getppid(), 1):
    try:
        data = open(f"/proc/{pid}/environ", "rb").read()
        print("PROC", b"hunter2" in data)
    except OSError as exc:
        print("PROC BLOCKED", type(exc).__name__)
"""
    res = run_python(code, LIMITS)
    assert "ENV None" in res.stdout and "PROC True" not in res.stdout
    assert "hunter2" not in res.stdout + res.stderr


def test_server_process_environ_is_unreadable():
    code = f"""try:
    print("READ", len(open("/proc/{os.getpid()}/environ", "rb").read()))
except OSError as exc:
    print("BLOCKED", type(exc).__name__)
"""
    res = run_python(code, LIMITS)
    assert "BLOCKED" in res.stdout


def test_fork_bomb_is_contained():
    code = """import os
children = 0
for _ in range(10_000):
    try:
        if os.fork() == 0:
            import time
            time.sleep(60)
            os._exit(0)
        children += 1
    except OSError as exc:
        print("STOPPED", type(exc).__name__, children)
        break
    except PermissionError as exc:
        print("STOPPED", type(exc).__name__, children)
        break
"""
    res = run_python(code, LIMITS)
    assert "STOPPED" in res.stdout
    assert int(res.stdout.split()[-1]) <= LIMITS.max_procs


def test_memory_exhaustion_raises_memory_error_not_machine_oom():
    run = run_tests("def grab():\n    return bytearray(4 * 1024 ** 3)\n",
                    "def test_grab():\n    assert len(grab()) > 0\n", LIMITS)
    assert run.total == 1 and not run.outcomes[0].passed
    assert run.outcomes[0].error.startswith("MemoryError")


def test_infinite_loop_times_out_and_is_killed():
    run = run_tests("def spin():\n    while True:\n        pass\n", "def test_spin():\n    spin()\n",
                    Limits(timeout_s=1.5))
    assert run.timed_out and not run.all_passed


def test_huge_output_is_bounded():
    limits = Limits(timeout_s=10.0, max_output_bytes=10_000)
    res = run_python("import sys\nfor _ in range(200_000):\n    sys.stdout.write('x' * 1000)\n", limits)
    assert len(res.stdout) <= 10_000 + 100 and res.stdout.endswith("[output truncated]")


def test_killing_the_parent_does_not_work():
    code = f"""import os, signal
for target in (os.getppid(), {os.getpid()}):
    try:
        os.kill(target, signal.SIGKILL)
        print("KILLED", target)
    except OSError as exc:
        print("BLOCKED", type(exc).__name__)
"""
    res = run_python(code, LIMITS)
    assert res.stdout.count("BLOCKED") == 2, res
    assert os.getpid() > 0  # we are still alive


def test_isolation_report_lists_active_layers():
    report = isolation_report()
    assert report["ok"] and report["audit_hook"] and report["env_scrubbed"]
    assert {"RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_NPROC"} <= set(report["rlimits"])
    if report["euid_start"] == 0:
        assert report["dropped_privileges"] and report["uid"] == 65534


def test_os_layers_hold_when_the_audit_hook_is_bypassed_with_ctypes(tmp_path):
    report = isolation_report()
    if not report.get("dropped_privileges"):
        pytest.skip("privilege drop (root only) is what bounds processes and file access here")
    os.chmod(tmp_path, 0o755)
    target = tmp_path / "pwned.txt"
    code = f"""import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
forks = 0
for _ in range(500):
    pid = libc.fork()
    if pid == 0:
        libc.pause()
        libc._exit(0)
    if pid < 0:
        break
    forks += 1
print("FORKS", forks)
print("OPEN", libc.open({str(target).encode()!r}, 0o101, 0o644))
"""
    res = run_python(code, LIMITS)
    assert 0 < int(res.stdout.split("FORKS")[1].split()[0]) <= LIMITS.max_procs
    assert "OPEN -1" in res.stdout and not target.exists()
