"""Fail when the translation catalogs are incomplete or out of date.

1. Every entry of the zh-Hans and English catalogs is translated and none is fuzzy.
2. The catalogs hold exactly the strings the code and templates mark today: makemessages is run
   and its msgids compared with the committed ones (the committed files are restored afterwards).
3. The compiled .mo files match their .po files.

Run by `make lint`; `make messages` regenerates and compiles the catalogs.
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "cleangov" / "locale"
LANGS = ("zh_Hans", "en")


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def entry_key(entry) -> tuple:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def problems_in(lang: str) -> list[str]:
    path = po_path(lang)
    if not path.exists():
        return [f"{path.relative_to(ROOT)} is missing (run `make messages`)"]
    po = polib.pofile(str(path))
    out = [f"{lang}: untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    out += [f"{lang}: fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    mo_path = path.with_suffix(".mo")
    if not mo_path.exists():
        out.append(f"{mo_path.relative_to(ROOT)} is missing (run `make messages`)")
    else:
        mo = polib.mofile(str(mo_path))
        compiled = {entry_key(e): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo}
        for e in po.translated_entries():
            if compiled.get(entry_key(e)) != (e.msgstr, tuple(sorted(e.msgstr_plural.items()))):
                out.append(f"{lang}: .mo is stale for {e.msgid!r} (run `make messages`)")
                break
    return out


def extracted_msgids() -> set[tuple]:
    """Run makemessages and read what it extracted, then put the committed catalogs back."""
    saved = {lang: po_path(lang).read_bytes() for lang in LANGS if po_path(lang).exists()}
    try:
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete",
             "--settings=cleangov.settings", "-v", "0"],
            cwd=ROOT / "cleangov", check=True,
        )
        fresh = polib.pofile(str(po_path("zh_Hans")))
        return {entry_key(e) for e in fresh if not e.obsolete}
    finally:
        for lang, data in saved.items():
            po_path(lang).write_bytes(data)


def main() -> int:
    problems = []
    for lang in LANGS:
        problems += problems_in(lang)
    if po_path("zh_Hans").exists():
        committed = {entry_key(e) for e in polib.pofile(str(po_path("zh_Hans"))) if not e.obsolete}
        fresh = extracted_msgids()
        problems += [f"zh_Hans: not in the catalog (run `make messages`): {k[1]!r}" for k in sorted(fresh - committed)]
        problems += [f"zh_Hans: no longer used (run `make messages`): {k[1]!r}" for k in sorted(committed - fresh)]
    for line in problems[:200]:
        print(line, file=sys.stderr)
    if problems:
        print(f"{len(problems)} catalog problem(s)", file=sys.stderr)
        return 1
    print("translation catalogs complete and current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
