"""The stream clients of bench/live.py: a process of their own (asyncio, one socket each),
at nice 19, that connects `count` readers to a live stream, records when each event reached
each socket (the kernel's receive time), and prints its figures as JSON when told to stop.

    python -m bench.live_clients PORT PATH COUNT   (started by bench.live.StreamClients)
"""

import asyncio
import contextlib
import json
import re
import socket
import struct
import subprocess
import sys
from pathlib import Path

# The clients stand in for readers' own machines: they take only CPU that nothing else
# wants (on one 2-core host they otherwise steal a core from the server they measure).
CLIENTS_NICE = 19
EVENT = re.compile(rb"id: (\d+)-\d+\nevent: (\w+)\ndata: ([^\n]*)\n\n")

# The kernel's time of arrival of what a read returns (SO_TIMESTAMP, struct timeval): the
# latency is the server's, not the clients' own wait for a core (they run at nice 19).
SO_TIMESTAMP = 29
STAMP_SPACE = socket.CMSG_SPACE(16)


class _StreamReader:
    """One client's stream after its start, read as it comes in (a reader on the loop). It
    only keeps what came and when while the clients run (beside the server they measure);
    the reading of the events waits for the end."""

    def __init__(self, sock: socket.socket):
        self.sock, self.received = sock, []

    def readable(self) -> None:
        try:
            chunk, ancillary, _flags, _address = self.sock.recvmsg(65536, STAMP_SPACE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            asyncio.get_running_loop().remove_reader(self.sock.fileno())
            self.sock.close()
            return
        self.received.append((ancillary, chunk))

    def read(self, figures: dict) -> None:
        """Add this client's events to `figures`: latency (ms), kind, and the reads they took."""
        buffer = b""
        for ancillary, chunk in self.received:
            arrived = None
            for level, kind, data in ancillary:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMP:
                    seconds, microseconds = struct.unpack("qq", data[:16])
                    arrived = seconds + microseconds / 1e6
            if arrived is None:
                raise SystemExit("the kernel gave no receive time (SO_TIMESTAMP)")
            buffer += chunk.replace(b"\r\n", b"\n")
            figures["reads"] += b"event: " in chunk  # the writes events took (keep-alives aside)
            for match in EVENT.finditer(buffer):
                figures["latencies"].append(arrived * 1000 - int(match[1]))
                kinds = figures["kinds"]
                kinds[match[2].decode()] = kinds.get(match[2].decode(), 0) + 1
            if b"\n\n" in buffer:
                buffer = buffer[buffer.rfind(b"\n\n") + 2 :]


async def _stream_clients(port: int, path: str, count: int) -> None:
    figures = {"latencies": [], "kinds": {}, "reads": 0}
    connected = failed = 0
    all_in = asyncio.Event()
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    loop = asyncio.get_running_loop()
    readers: list[_StreamReader] = []

    async def client(gate: asyncio.Semaphore) -> None:
        nonlocal connected, failed
        sock = socket.socket()
        sock.setblocking(False)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMP, 1)
        try:
            async with gate:  # connect a hundred at a time, as a crowd arriving
                await loop.sock_connect(sock, ("127.0.0.1", port))
                await loop.sock_sendall(sock, request.encode())
                buffer = b""
                while b"id: " not in buffer:  # the answer's head, then where the stream starts
                    chunk = await loop.sock_recv(sock, 65536)
                    if not chunk:
                        raise ConnectionError(buffer[:40])
                    buffer += chunk
                if not buffer.startswith(b"HTTP/1.1 200"):
                    raise ConnectionError(buffer[:40])
        except (OSError, ConnectionError):
            sock.close()
            failed += 1
        else:
            readers.append(_StreamReader(sock))
            loop.add_reader(sock.fileno(), readers[-1].readable)
            connected += 1
        if connected + failed == count:
            all_in.set()

    gate = asyncio.Semaphore(100)
    tasks = [asyncio.create_task(client(gate)) for _ in range(count)]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(all_in.wait(), 120)
    print(json.dumps({"connected": connected, "failed": failed}), flush=True)
    # Run until told to stop (a line on stdin), then report what every client read.
    await loop.run_in_executor(None, sys.stdin.readline)
    for task in tasks:
        task.cancel()
    for reader in readers:
        if reader.sock.fileno() >= 0:
            loop.remove_reader(reader.sock.fileno())
            reader.sock.close()
        reader.read(figures)
    print(json.dumps(figures), flush=True)


class StreamClients:
    def __init__(self, port: int, path: str, count: int):
        self.process = subprocess.Popen(
            ["nice", "-n", str(CLIENTS_NICE), sys.executable, "-m", "bench.live_clients",
             str(port), path, str(count)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True,
        )  # fmt: skip
        lower_priority(self.process.pid, CLIENTS_NICE)
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("the stream clients exited before connecting")
        self.connection = json.loads(line)

    def finish(self) -> dict:
        self.process.stdin.write("stop\n")
        self.process.stdin.flush()
        result = json.loads(self.process.stdout.readline())
        self.process.wait(30)
        return result


def lower_priority(pid: int, nice: int) -> None:
    """Give a process started in a session of its own the CPU share `nice` says.

    With Linux's autogroups (sched(7); /proc/sys/kernel/sched_autogroup_enabled) the CPU is
    shared out between sessions first, and a process's nice counts only against its own
    session's: uvicorn at nice 10 alone in its session gets as much as gunicorn. The
    session's nice lowers it, as the unit's CPUWeight= does under systemd."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))


if __name__ == "__main__":
    port, path, count = sys.argv[1:4]
    asyncio.run(_stream_clients(int(port), path, int(count)))
