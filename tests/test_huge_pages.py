"""The ``cyclops`` command starts itself again with glibc's malloc asking for huge pages (cyclops.huge_pages)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cyclops.huge_pages import TUNABLE, checked, glibc_version, restart_with_huge_pages, thp_mode, wanted, with_tunable

PRINT_TUNABLES = "import os; from cyclops.huge_pages import restart_with_huge_pages as r; r(); print(os.environ.get('GLIBC_TUNABLES'))"


def test_the_kernels_mode_and_glibcs_version_are_read_from_their_texts():
    assert thp_mode("always [madvise] never\n") == "madvise"
    assert thp_mode("[always] madvise never") == "always"
    assert thp_mode("") is None
    assert glibc_version("glibc 2.36") == (2, 36)
    assert glibc_version("glibc 2.35.1") == (2, 35)
    assert glibc_version(None) is None and glibc_version("musl") is None


def test_huge_pages_are_asked_for_only_where_the_kernel_gives_them_on_request_and_glibc_knows_how():
    assert wanted("auto", "madvise", (2, 36))
    assert not wanted("auto", "always", (2, 36))  # malloc gets them already
    assert not wanted("auto", "never", (2, 36))
    assert not wanted("auto", "madvise", (2, 34))  # the tunable is unknown before 2.35
    assert not wanted("auto", "madvise", None)  # not glibc
    assert wanted(" ON ", "never", (2, 35)) and not wanted("off", "madvise", (2, 36))
    with pytest.raises(ValueError, match="CYCLOPS_HUGE_PAGES='sometimes': choose one of auto, on, off"):
        checked("sometimes")


def test_the_tunable_is_added_to_those_already_set():
    assert with_tunable(None) == f"{TUNABLE}=1"
    assert with_tunable("glibc.malloc.arena_max=2") == f"glibc.malloc.arena_max=2:{TUNABLE}=1"


def test_the_command_is_started_again_with_its_own_arguments_once(tmp_path):
    thp = tmp_path / "enabled"
    thp.write_text("always [madvise] never\n")
    calls = []

    def restart(env=None, **kwargs):
        return restart_with_huge_pages({"PATH": "/bin", **(env or {})}, argv=["/venv/bin/python", "/venv/bin/cyclops", "evaluate", "--n", "3"],
                                       execve=lambda *a: calls.append(a), thp_file=thp, **kwargs)

    assert restart()
    ((program, args, env),) = calls
    assert program == sys.executable and args == [sys.executable, "/venv/bin/cyclops", "evaluate", "--n", "3"]
    assert env == {"PATH": "/bin", "GLIBC_TUNABLES": f"{TUNABLE}=1"}
    assert not restart({"GLIBC_TUNABLES": env["GLIBC_TUNABLES"]})  # the restarted command does not restart again
    assert not restart({"CYCLOPS_HUGE_PAGES": "off"})
    thp.write_text("always madvise [never]\n")
    assert not restart() and len(calls) == 1


def test_a_real_process_is_started_again_with_the_tunable_beside_the_others():
    assert glibc_version(os.confstr("CS_GNU_LIBC_VERSION")) >= (2, 35)  # Debian 12 and later, as the README asks
    env = {**os.environ, "CYCLOPS_HUGE_PAGES": "on", "GLIBC_TUNABLES": "glibc.malloc.arena_max=4"}
    out = subprocess.run([sys.executable, "-c", PRINT_TUNABLES], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"glibc.malloc.arena_max=4:{TUNABLE}=1"
    env["CYCLOPS_HUGE_PAGES"] = "off"
    out = subprocess.run([sys.executable, "-c", PRINT_TUNABLES], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "glibc.malloc.arena_max=4"


def test_a_wrong_mode_stops_the_command_and_the_settings_with_a_clear_error(monkeypatch):
    env = {**os.environ, "CYCLOPS_HUGE_PAGES": "maybe"}
    for command in ([str(Path(sys.executable).with_name("cyclops")), "settings"], [sys.executable, "-m", "cyclops.cli", "settings"]):
        out = subprocess.run(command, env=env, capture_output=True, text=True)
        assert out.returncode != 0 and out.stderr.strip() == "error: CYCLOPS_HUGE_PAGES='maybe': choose one of auto, on, off."
    from pydantic import ValidationError

    from cyclops.settings import Settings

    monkeypatch.setenv("CYCLOPS_HUGE_PAGES", "maybe")
    with pytest.raises(ValidationError, match="choose one of auto, on, off"):
        Settings()
