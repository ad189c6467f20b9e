"""A Spark standalone cluster on this machine: one master and N workers, each a separate JVM process.

    with StandaloneCluster(workers=2) as c:
        ... --spark-master c.url ...

Used by the cluster test (tests/engine/test_spark_cluster.py) and the benchmark (``benchmarks.run --cluster``).
The classes come with the pyspark package (``org.apache.spark.deploy.master.Master`` and ``...worker.Worker``).
Each worker has its own work directory and its own scratch directory (SPARK_LOCAL_DIRS); when this process runs
as root the workers (and so their executors) run as ``nobody``, so a path private to the driver — its temporary
directory — cannot be read by them at all: anything passing through it fails.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def pyspark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _other_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        return None


class StandaloneCluster:
    def __init__(self, workers: int = 2, cores: int = 1, memory: str = "1g", root: Path | None = None):
        self.n, self.cores, self.memory = workers, cores, memory
        # readable by every user (mkdtemp makes 0700): the workers' own directories live here
        self.root = Path(root or tempfile.mkdtemp(prefix="va_cluster_", dir="/tmp"))
        self.root.chmod(0o755)
        self.user = _other_user()
        self.procs: list[subprocess.Popen] = []
        self.port = free_port()
        self.url = f"spark://127.0.0.1:{self.port}"
        self.logs: list[Path] = []

    def shared_dir(self, name: str) -> Path:
        """A directory the workers can read and write (input and output of a run)."""
        d = self.root / name
        d.mkdir(parents=True, exist_ok=True)
        d.chmod(0o777)
        return d

    def _own(self, path: Path) -> None:
        if self.user is not None:
            os.chown(path, self.user.pw_uid, self.user.pw_gid)

    def spark_home(self) -> Path:
        """A Spark home for the workers: pyspark's jars and a RELEASE file (a worker builds each executor's
        command from it; pyspark's own directory has no RELEASE and reads as a source checkout)."""
        home = self.root / "spark-home"
        if not home.exists():
            home.mkdir()
            (home / "jars").symlink_to(pyspark_home() / "jars")
            (home / "RELEASE").write_text("Spark from the pyspark package\n")
        return home

    def _start(self, name: str, cls: str, args: list[str], env_extra: dict[str, str]) -> None:
        home = self.spark_home()
        log = self.root / f"{name}.log"
        self.logs.append(log)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SPARK_HOME": str(home),
               "JAVA_HOME": os.environ.get("JAVA_HOME", ""), "SPARK_LOCAL_IP": "127.0.0.1",
               "SPARK_SCALA_VERSION": "2.13",
               "HOME": str(self.root), **env_extra}
        cmd = ["java", "-Xmx256m", "-cp", f"{home}/jars/*", cls, *args]
        if self.user is not None:
            cmd = ["setpriv", f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}", "--clear-groups", *cmd]
        with log.open("wb") as out:
            self.procs.append(subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=self.root,
                                               start_new_session=True))

    def start(self) -> StandaloneCluster:
        self._start("master", "org.apache.spark.deploy.master.Master",
                    ["--host", "127.0.0.1", "--port", str(self.port), "--webui-port", str(free_port())], {})
        _wait_port(self.port, 90, self)
        for i in range(self.n):
            w = self.root / f"worker{i}"
            (w / "work").mkdir(parents=True, exist_ok=True)
            (w / "local").mkdir(parents=True, exist_ok=True)
            for p in (w, w / "work", w / "local"):
                self._own(p)
            self._start(f"worker{i}", "org.apache.spark.deploy.worker.Worker",
                        [self.url, "--host", "127.0.0.1", "--cores", str(self.cores), "--memory", self.memory,
                         "--work-dir", str(w / "work"), "--webui-port", str(free_port())],
                        {"SPARK_LOCAL_DIRS": str(w / "local"), "TMPDIR": str(w / "local"),
                         "SPARK_WORKER_DIR": str(w / "work")})
        self._wait_workers(120)
        return self

    def _wait_workers(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = (self.root / "master.log").read_text(errors="replace")
            if text.count("Registering worker") >= self.n:
                return
            self._check_alive()
            time.sleep(0.5)
        raise RuntimeError(f"the workers did not register in {timeout:.0f} s:\n{self.tail()}")

    def _check_alive(self) -> None:
        for p in self.procs:
            if p.poll() is not None:
                raise RuntimeError(f"a cluster process ended (exit {p.returncode}):\n{self.tail()}")

    def tail(self, lines: int = 15) -> str:
        out = []
        for log in self.logs:
            if log.exists():
                out.append(f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(out)

    def executor_logs(self) -> str:
        """Everything the executors wrote (stdout, stderr) under the workers' work directories."""
        parts = []
        for f in sorted(self.root.glob("worker*/work/**/std*")):
            parts.append(f.read_text(errors="replace"))
        return "\n".join(parts)

    def stop(self) -> None:
        for p in reversed(self.procs):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, 15)
                except ProcessLookupError:
                    pass
        for p in self.procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, 9)
                p.wait(5)
        self.procs = []

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> StandaloneCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        self.cleanup()


def _wait_port(port: int, timeout: float, cluster: StandaloneCluster) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            cluster._check_alive()
            time.sleep(0.3)
    raise RuntimeError(f"the master did not listen on {port} in {timeout:.0f} s:\n{cluster.tail()}")


def private_driver_dir() -> Path:
    """The driver's temporary directory: mode 0700, owned by this user (root), so workers running as
    another user cannot list or read anything in it."""
    d = Path(tempfile.mkdtemp(prefix="va_driver_"))
    d.chmod(0o700)
    return d
