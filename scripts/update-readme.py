"""Regenerate the settings table in README.md from cyclops.settings (a test checks they agree)."""

from pathlib import Path

from cyclops.settings import settings_table

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- settings-table -->", "<!-- /settings-table -->"


def render(text: str) -> str:
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{settings_table()}\n{END}{tail}"


if __name__ == "__main__":
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
    print("README.md settings table updated")
