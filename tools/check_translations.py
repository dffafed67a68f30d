"""Fail when a user-facing string has no zh-Hans translation or a compiled catalogue is stale.

Runs `makemessages` first, so a string added in code but never extracted counts as missing.
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "src" / "xiangcun"
LOCALE = APP_DIR / "locale"


def main() -> int:
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "xiangcun"),
            "makemessages",
            "-l",
            "zh_Hans",
            "-l",
            "en",
            "--no-obsolete",
            "--ignore",
            "*/migrations/*",
        ],
        cwd=APP_DIR,
        check=True,
    )
    problems: list[str] = []
    for po_path in sorted(LOCALE.glob("zh_Hans/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(po_path))
        for entry in catalogue.untranslated_entries():
            problems.append(f"{po_path.name}: untranslated: {entry.msgid!r}")
        for entry in catalogue.fuzzy_entries():
            problems.append(f"{po_path.name}: fuzzy: {entry.msgid!r}")
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists():
            problems.append(f"{mo_path}: missing; run `make messages`")
            continue
        compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(mo_path))}
        for entry in catalogue.translated_entries():
            found = compiled.get((entry.msgctxt, entry.msgid))
            if (
                found is None
                or found.msgstr != entry.msgstr
                or (found.msgstr_plural != entry.msgstr_plural and entry.msgid_plural)
            ):
                problems.append(f"{mo_path.name}: stale for {entry.msgid!r}; run `make messages`")
    for problem in problems:
        print(problem)
    print(f"translations: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
