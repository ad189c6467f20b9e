"""Runs ``cleangov`` commands one after another in one process, for the upload fuzzing benchmark.

Reads one JSON list of arguments per line on stdin, runs ``cleangov.cli.main(argv)`` (the console
script's own entry point: argument parsing, Django set-up, the command, its error handling) and writes
one JSON line: the exit code, the seconds taken, whether an exception escaped the command (a traceback)
and the last lines of its output. One process for all files saves the interpreter's start-up per file;
the benchmark kills and restarts it if a command does not answer in time.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
import traceback


def main() -> int:
    from cleangov.cli import main as cleangov_main

    for line in sys.stdin:
        argv = json.loads(line)
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        escaped = False
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cleangov_main(argv)
        except SystemExit as exc:  # a command that exits by itself
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:
            escaped = True
            code = -1
            err.write(traceback.format_exc())
        seconds = time.perf_counter() - started
        text = err.getvalue()
        print(json.dumps({"code": code, "seconds": seconds,
                          "traceback": escaped or "Traceback (most recent call last)" in text,
                          "stderr": text[-600:]}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
