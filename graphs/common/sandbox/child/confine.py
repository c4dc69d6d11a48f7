"""Child-side confinement: namespaces, private mounts, rlimits, privilege drop, audit hook.

Runs inside the sandbox process (started with ``python -I``) BEFORE any untrusted code is imported.
Self-contained on purpose: it must not import the ``graphs`` package. Every step is best effort and
recorded in a report dict, so the parent can tell which isolation layers are really active.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import stat
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
NOBODY = 65534
WORLD_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(libc: ctypes.CDLL, src: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    def enc(s: str | None) -> bytes | None:
        return None if s is None else s.encode()

    _check(libc.mount(enc(src), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {target}")


def _unshare_namespaces(libc: ctypes.CDLL, report: dict) -> int:
    """Enter new net/mount/pid namespaces (a user namespace first when not root). Returns the flags."""
    uid, gid = os.geteuid(), os.getegid()
    attempts = [CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID, CLONE_NEWNET | CLONE_NEWNS, CLONE_NEWNET]
    if uid != 0:
        attempts = [CLONE_NEWUSER | a for a in attempts]
    for flags in attempts:
        if libc.unshare(flags) == 0:
            if flags & CLONE_NEWUSER:
                # Map our own ids 1:1 so files keep their owners; we get capabilities only in the new ns.
                for path, text in (("/proc/self/setgroups", "deny"), ("/proc/self/uid_map", f"{uid} {uid} 1"),
                                   ("/proc/self/gid_map", f"{gid} {gid} 1")):
                    with open(path, "w") as fh:
                        fh.write(text)
            report["user_namespace"] = bool(flags & CLONE_NEWUSER)
            report["network_namespace"] = True
            report["mount_namespace"] = bool(flags & CLONE_NEWNS)
            report["pid_namespace"] = bool(flags & CLONE_NEWPID)
            return flags
        report.setdefault("unshare_errors", []).append(os.strerror(ctypes.get_errno()))
    report["network_namespace"] = report["mount_namespace"] = report["pid_namespace"] = False
    return 0


def _blocked_dirs(keep: list[str], drop_to_nobody: bool) -> dict[str, set[str]]:
    """Directories to cover with a tmpfs, each with the child names to bind back (so `keep` stays reachable)."""
    covers: dict[str, set[str]] = {d: set() for d in WORLD_WRITABLE if os.path.isdir(d)}
    for path in keep:
        parts = os.path.realpath(path).strip("/").split("/")
        for depth in range(len(parts) - 1):
            anc = "/" + "/".join(parts[: depth + 1]) if depth >= 0 else "/"
            untraversable = drop_to_nobody and not (os.stat(anc).st_mode & stat.S_IXOTH)
            if anc in covers or untraversable:
                covers.setdefault(anc, set()).add(parts[depth + 1])
    return covers


def _cover_with_tmpfs(libc: ctypes.CDLL, covers: dict[str, set[str]], size_mb: int, report: dict) -> None:
    """Hide world-writable and root-only directories behind fresh tmpfs mounts, re-exposing kept children."""
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    done = []
    for anc in sorted(covers, key=lambda p: p.count("/")):
        fds = {name: os.open(os.path.join(anc, name), os.O_PATH) for name in covers[anc]
               if os.path.exists(os.path.join(anc, name))}
        mode = "1777" if anc in WORLD_WRITABLE else "755"
        _mount(libc, "tmpfs", anc, "tmpfs", MS_NOSUID | MS_NODEV, f"mode={mode},size={size_mb}m")
        for name, fd in fds.items():
            target = os.path.join(anc, name)
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                os.mkdir(target)
            else:
                open(target, "w").close()
            _mount(libc, f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
            os.close(fd)
        done.append(anc)
    report["tmpfs_over"] = done


def set_rlimits(limits: dict, report: dict) -> None:
    """Apply the resource limits (memory, CPU, file size, open files, processes, no core dumps)."""
    wanted = {
        "RLIMIT_AS": limits["memory_mb"] * 1024 * 1024,
        "RLIMIT_CPU": int(limits["timeout_s"]) + 2,
        "RLIMIT_FSIZE": limits["max_file_mb"] * 1024 * 1024,
        "RLIMIT_NOFILE": 256,
        "RLIMIT_NPROC": limits["max_procs"],
        "RLIMIT_CORE": 0,
    }
    applied = []
    for name, value in wanted.items():
        res = getattr(resource, name)
        try:
            resource.setrlimit(res, (value, value))
            applied.append(name)
        except (ValueError, OSError):
            report.setdefault("rlimit_errors", []).append(name)
    # Writes past RLIMIT_FSIZE then fail with EFBIG instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    report["rlimits"] = applied


def enter_sandbox(scratch: str, limits: dict, keep: list[str], report: dict) -> bool:
    """Namespaces + mounts, then fork. Returns True in the confined child; the parent waits and exits."""
    libc = _libc()
    drop = os.geteuid() == 0
    flags = _unshare_namespaces(libc, report)
    if flags & CLONE_NEWNS:
        try:
            _cover_with_tmpfs(libc, _blocked_dirs(keep + [scratch], drop), limits["max_file_mb"], report)
        except OSError as exc:
            report["mount_error"] = str(exc)
    if not flags & CLONE_NEWPID:
        return True
    pid = os.fork()
    if pid == 0:
        return True
    _, status = os.waitpid(pid, 0)
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))


def drop_privileges(scratch: str, report: dict) -> None:
    """As root: become nobody (so RLIMIT_NPROC applies and root's files are out of reach); no new privs."""
    libc = _libc()
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    report["uid"] = os.getuid()
    report["dropped_privileges"] = os.getuid() != 0
    report["no_new_privs"] = libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
    # Credentials changed, so (re)arm: when the runner above us dies, the pid namespace dies with us.
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def install_audit_hook(scratch: str, report: dict) -> None:
    """Defense in depth: refuse process spawning, non-loopback sockets and writes outside the scratch dir."""
    root = os.path.realpath(scratch) + os.sep
    spawn_events = {"os.system", "os.fork", "os.forkpty", "os.exec", "os.posix_spawn", "os.spawn",
                    "subprocess.Popen", "pty.spawn", "os.kill", "os.killpg"}
    fs_events = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link",
                 "os.symlink", "os.truncate", "os.utime", "shutil.rmtree"}

    def inside(path: object) -> bool:
        if isinstance(path, int):
            return True
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not isinstance(path, str):
            return True
        full = os.path.realpath(path)
        return full == root[:-1] or full.startswith(root) or full == "/dev/null"

    def hook(event: str, args: tuple) -> None:
        if event in spawn_events:
            if event.startswith("os.kill") and args and args[0] == os.getpid():
                return
            raise PermissionError(f"sandbox: {event} is not allowed")
        if event == "socket.connect" or event == "socket.sendto":
            addr = args[1] if len(args) > 1 else None
            if isinstance(addr, tuple) and not str(addr[0]).startswith(("127.", "::1", "localhost")):
                raise PermissionError(f"sandbox: network access to {addr[0]} is not allowed")
        elif event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & _WRITE_FLAGS)
            if writing and not inside(path):
                raise PermissionError(f"sandbox: writing {path!r} outside the scratch dir is not allowed")
        elif event in fs_events:
            if args and not inside(args[0]) or (event in {"os.rename", "os.link", "os.symlink"}
                                                and len(args) > 1 and not inside(args[1])):
                raise PermissionError(f"sandbox: {event} outside the scratch dir is not allowed")

    sys.addaudithook(hook)
    report["audit_hook"] = True
