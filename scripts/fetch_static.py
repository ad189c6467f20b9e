"""Install the front-end assets the app serves itself, from the npm registry, pinned by integrity.

Runs once at set-up; the app never fetches anything at run time and uses no CDN. With ``--test`` it also
installs what only the browser tests use (axe-core, evaluated in the page by the test browser): into
tests/browser/vendor/, outside the static files, so it is never served to users.
"""

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "cleangov" / "static" / "vendor"
TEST_VENDOR = ROOT / "tests" / "browser" / "vendor"
# name, tarball, sha512 integrity from the registry, member in the tarball → file name served
ASSETS = [
    (
        "htmx.org 2.0.8",
        "https://registry.npmjs.org/htmx.org/-/htmx.org-2.0.8.tgz",
        "sha512-fm297iru0iWsNJlBrjvtN7V9zjaxd+69Oqjh4F/Vq9Wwi2kFisLcrLCiv5oBX0KLfOX/zG8AUo9ROMU5XUB44Q==",
        "package/dist/htmx.min.js",
        "htmx.min.js",
    ),
]
TEST_ASSETS = [
    (
        "axe-core 4.14.1",
        "https://registry.npmjs.org/axe-core/-/axe-core-4.14.1.tgz",
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        "package/axe.min.js",
        "axe.min.js",
    ),
]


def main(argv: list[str]) -> int:
    todo = [(VENDOR, asset) for asset in ASSETS]
    if "--test" in argv:
        todo += [(TEST_VENDOR, asset) for asset in TEST_ASSETS]
    for directory, (name, url, integrity, member, target) in todo:
        directory.mkdir(parents=True, exist_ok=True)
        out = directory / target
        if out.exists():
            continue
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - fixed https registry URL
            data = response.read()
        digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
        if digest != integrity:
            print(f"{name}: integrity mismatch, refusing to install", file=sys.stderr)
            return 1
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            extracted = tar.extractfile(member)
            if extracted is None:
                print(f"{name}: {member} missing from the package", file=sys.stderr)
                return 1
            out.write_bytes(extracted.read())
        print(f"installed {name} → {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
