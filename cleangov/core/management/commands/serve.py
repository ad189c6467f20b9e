"""``cleangov serve``: the web app under Waitress, a production-grade pure-Python WSGI server.

Static files are served by WhiteNoise (middleware), so no separate web server is needed on a
single machine. ``--with-worker`` also runs ``cleangov worker`` as a child process, starts it again
if it dies, and stops it when the server stops, so ``make demo`` is one command.
"""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cleangov.core.supervisor import WorkerSupervisor


class Command(BaseCommand):
    help = "Serve the web app with Waitress (static files through WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
        parser.add_argument("--threads", type=int, default=8, help="worker threads serving requests (default 8)")
        parser.add_argument("--with-worker", action="store_true",
                            help="also run 'cleangov worker' for background tasks, stopped together with the server")
        parser.add_argument("--debug", action="store_true",
                            help="Django's debug pages (URL list, stack traces) for development on your own machine; "
                                 "never on a server others reach. Same as CLEANGOV_DEBUG=1")

    def handle(self, *args, host, port, threads, with_worker, debug=False, **options):
        if not 0 < port < 65536:
            raise CommandError(f"invalid port {port}", returncode=2)
        if threads < 1:
            raise CommandError("--threads must be at least 1", returncode=2)

        if debug:
            if settings.PRODUCTION:
                raise CommandError("--debug is refused with CLEANGOV_ENV=production", returncode=2)
            # Before the application is built: the URLconf and the error handlers read it per request.
            settings.DEBUG = True

        from waitress.server import create_server

        from cleangov.wsgi import application

        try:
            # A body larger than the largest upload any form takes is refused by Waitress (413) before it
            # is spooled to disk: without it, Waitress would buffer up to 1 GB per request.
            server = create_server(application, host=host, port=port, threads=threads, ident="CleanGov",
                                   max_request_body_size=settings.CLEANGOV_MAX_REQUEST_BYTES)
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc}", returncode=3) from exc

        worker = self._start_worker() if with_worker else None
        stopping = threading.Event()

        def stop(signum, frame):
            stopping.set()
            raise KeyboardInterrupt

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        shown_host = f"[{host}]" if ":" in host else host
        self.stdout.write(f"CleanGov is serving on http://{shown_host}:{port}/ "
                          f"({threads} threads, {'debug' if settings.DEBUG else 'production'} settings). "
                          "Press Ctrl+C to stop.")
        self.stdout.flush()
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if worker is not None:
                self._stop_worker(worker)
        self.stdout.write("CleanGov stopped.")

    def _start_worker(self) -> WorkerSupervisor:
        # Supervised: a worker that dies is started again with a back-off (cleangov.core.supervisor).
        def say(line):
            self.stdout.write(line)
            self.stdout.flush()

        def warn(line):
            self.stderr.write(line)
            self.stderr.flush()

        return WorkerSupervisor(say=say, warn=warn).start()

    def _stop_worker(self, worker: WorkerSupervisor) -> None:
        worker.stop()
