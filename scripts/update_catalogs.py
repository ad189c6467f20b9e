"""Regenerate the catalogs from the code, fill the English one (msgstr = msgid), compile both.

`make messages` runs this; zh-Hans translations are then written by hand in
cleangov/locale/zh_Hans/LC_MESSAGES/django.po and this is run again to compile.
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "cleangov"


def main() -> int:
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "-l", "en", "--no-obsolete", "--no-location",
         "--settings=cleangov.settings", "-v", "0"],
        cwd=APP, check=True,
    )
    en_path = APP / "locale" / "en" / "LC_MESSAGES" / "django.po"
    en = polib.pofile(str(en_path))
    for entry in en:
        # English is the source language: its catalog is the identity, kept complete so the check is uniform.
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    en.save()
    for lang in ("zh_Hans", "en"):
        po_path = APP / "locale" / lang / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        missing = len(po.untranslated_entries()) + len(po.fuzzy_entries())
        print(f"{lang}: {len(po)} entries, {missing} untranslated or fuzzy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
