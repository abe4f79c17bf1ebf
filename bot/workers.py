"""This process among several: the name its claims and leases are held by, and whether the
process behind such a name has ended."""

from __future__ import annotations

import os
import secrets
import socket


def worker_name() -> str:
    """host:pid:random: the same host and process id can come back after a restart."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def is_gone(holder: str, me: str) -> bool:
    """Whether `holder` is a process of this machine that has ended (killed, say, and this one
    started in its place): what it held need not be waited for. A holder elsewhere is never
    known to be gone; its hold runs out instead."""
    host, _, rest = holder.partition(":")
    my_host, _, my_rest = me.partition(":")
    pid_text = rest.partition(":")[0]
    if host != my_host or not pid_text.isdigit() or holder == me:
        return False
    pid = int(pid_text)
    if pid == int(my_rest.partition(":")[0]):
        return True  # this very process id, started again (a container's first process, say)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
