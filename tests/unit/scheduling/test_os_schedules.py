"""OS schedules for the watch list: the systemd user timer written, verified by
`systemd-analyze verify`, enabled with the real `systemctl --user` and removed (by the switch
and by "Delete all my data"); the launchd agent checked against launchd.plist's documented
keys; the Task Scheduler task validated against the documented Task schema. Every file goes
under a home and config folder made for the test, never the person's own."""

import os
import plistlib
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.watching import ScheduleSystem
from likeness_guard.core.scheduling import (
    LABEL,
    planned_files,
    schedule_name,
    schedule_state,
    task_xml,
    turn_off,
    turn_on,
    watch_command,
)
from likeness_guard.core.services.watching import schedule_off, schedule_on
from likeness_guard.main import main

SYSTEMCTL = shutil.which("systemctl")
ANALYZE = shutil.which("systemd-analyze")
TASK_SCHEMA = Path(__file__).with_name("task_schema_subset.xsd")
# launchd.plist(5): every key launchd documents for a job, and the process types it knows.
LAUNCHD_KEYS = {
    "Label", "Disabled", "UserName", "GroupName", "inetdCompatibility", "LimitLoadToHosts",
    "LimitLoadFromHosts", "LimitLoadToSessionType", "LimitLoadToHardware",
    "LimitLoadFromHardware", "Program", "ProgramArguments", "EnableGlobbing",
    "EnableTransactions", "EnablePressuredExit", "OnDemand", "ServiceIPC", "KeepAlive",
    "RunAtLoad", "RootDirectory", "WorkingDirectory", "EnvironmentVariables", "Umask",
    "TimeOut", "ExitTimeOut", "ThrottleInterval", "InitGroups", "WatchPaths",
    "QueueDirectories", "StartOnMount", "StartInterval", "StartCalendarInterval",
    "StandardInPath", "StandardOutPath", "StandardErrorPath", "Debug", "WaitForDebugger",
    "SoftResourceLimits", "HardResourceLimits", "Nice", "ProcessType", "AbandonProcessGroup",
    "LowPriorityIO", "LowPriorityBackgroundIO", "MaterializeDatalessFiles", "LaunchOnlyOnce",
    "MachServices", "Sockets", "AssociatedBundleIdentifiers",
}  # fmt: skip
LAUNCHD_TYPES: dict[str, type] = {
    "Label": str,
    "ProgramArguments": list,
    "StartInterval": int,
    "RunAtLoad": bool,
    "LowPriorityIO": bool,
    "Nice": int,
    "ProcessType": str,
}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home and config folder of the test's own, so no schedule of the person is touched."""
    folder = tmp_path / "home"
    (folder / ".config").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / ".config"))
    monkeypatch.delenv("LIKENESS_GUARD_HOME", raising=False)
    return folder


def _systemctl(*args: str) -> subprocess.CompletedProcess[str]:
    assert SYSTEMCTL is not None
    return subprocess.run([SYSTEMCTL, "--user", *args], capture_output=True, text=True)


def _verify(units: list[Path], runtime: Path) -> subprocess.CompletedProcess[str]:
    """`systemd-analyze verify` on the units (it needs a runtime folder for --user)."""
    assert ANALYZE is not None
    runtime.mkdir(mode=0o700, exist_ok=True)
    return subprocess.run(
        [ANALYZE, "verify", "--user", *map(str, units)],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)},
    )


@pytest.mark.skipif(SYSTEMCTL is None, reason="no systemctl on this system")
def test_the_systemd_timer_is_written_verified_enabled_and_removed_by_delete_all(
    home: Path, tmp_path: Path
) -> None:
    data = tmp_path / "my data 100%"  # a space and a systemd specifier sign in the path
    assert main(["--data-dir", str(data), "watch", "list"]) == 0
    name = schedule_name(data, ScheduleSystem.SYSTEMD)
    assert not schedule_state(data, ScheduleSystem.SYSTEMD).on

    state = schedule_on(data)
    assert state.system is ScheduleSystem.SYSTEMD
    assert state.on
    units = home / ".config" / "systemd" / "user"
    service, timer = units / f"{name}.service", units / f"{name}.timer"
    assert [Path(path) for path in state.files] == [service, timer]
    assert _systemctl("is-enabled", timer.name).stdout.strip() == "enabled"
    assert (units / "timers.target.wants" / timer.name).is_symlink()
    if not state.active_now:  # no user manager runs here (a container): it starts at login
        assert state.note == "The schedule starts the next time you log in."
    text = service.read_text()
    assert f'"--data-dir" "{data}"'.replace("%", "%%") in text
    assert '"watch" "run" "--due"' in text
    assert "OnCalendar=hourly" in timer.read_text()
    if ANALYZE is not None:
        checked = _verify([service, timer], tmp_path / "runtime")
        assert (checked.returncode, checked.stderr) == (0, "")
        broken = units / "broken.timer"  # the check can fail: a misspelt key
        broken.write_text(timer.read_text().replace("OnCalendar", "OnCalender"))
        assert _verify([broken], tmp_path / "runtime").returncode != 0
        broken.unlink()

    # "Delete all my data" takes the schedule away with everything else.
    assert main(["--data-dir", str(data), "forget", "--all"]) == 0
    assert not service.exists()
    assert not timer.exists()
    assert not (units / "timers.target.wants" / timer.name).exists()
    assert _systemctl("is-enabled", timer.name).stdout.strip() != "enabled"
    assert not schedule_state(data).on


@pytest.mark.skipif(SYSTEMCTL is None, reason="no systemctl on this system")
def test_watch_schedule_on_and_off_from_the_command_line(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "watch", "schedule", "on"]) == 0
    assert "every hour (systemd)" in capsys.readouterr().out
    assert schedule_state(data).on
    assert main(["--data-dir", str(data), "watch", "schedule", "status"]) == 0
    assert "every hour" in capsys.readouterr().out
    assert main(["--data-dir", str(data), "watch", "schedule", "off"]) == 0
    assert "No schedule" in capsys.readouterr().out
    assert list((home / ".config" / "systemd" / "user").glob("*.timer")) == []
    assert schedule_off(data).on is False  # off twice: nothing to do, nothing run


def test_without_systemd_the_person_is_given_the_crontab_line(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    with pytest.raises(UserFacingError, match=r"crontab -e: 0 \* \* \* \* .* watch run --due"):
        turn_on(tmp_path / "data", ScheduleSystem.SYSTEMD)
    assert not (home / ".config" / "systemd").exists()  # nothing left half-made


def test_the_launchd_agent_uses_only_documented_keys_and_loads_at_next_login(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))  # no launchctl on this system
    data = tmp_path / "data"
    [planned] = planned_files(data, ScheduleSystem.LAUNCHD)
    assert planned.path == home / "Library" / "LaunchAgents" / f"{planned.path.stem}.plist"
    agent: dict[str, Any] = plistlib.loads(planned.data)
    assert set(agent) <= LAUNCHD_KEYS
    for key, kind in LAUNCHD_TYPES.items():
        assert isinstance(agent[key], kind), key
    assert agent["Label"] == planned.path.stem
    assert agent["Label"].startswith(LABEL + ".")
    assert agent["ProgramArguments"] == watch_command(data)
    assert all(isinstance(part, str) for part in agent["ProgramArguments"])
    assert agent["StartInterval"] == 3600
    assert agent["ProcessType"] == "Background"
    assert b"<!DOCTYPE plist PUBLIC" in planned.data  # the XML form launchd reads

    state = turn_on(data, ScheduleSystem.LAUNCHD)
    assert (state.on, state.active_now) == (True, False)
    assert state.note == "The schedule starts the next time you log in."
    assert planned.path.read_bytes() == planned.data
    assert schedule_state(data, ScheduleSystem.LAUNCHD).on
    turn_off(data, ScheduleSystem.LAUNCHD)
    assert not planned.path.exists()


def test_the_windows_task_validates_against_the_task_schema(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lxml import etree  # type: ignore[import-untyped]

    schema = etree.XMLSchema(etree.parse(str(TASK_SCHEMA)))
    command = ["C:\\Program Files\\Likeness Guard\\likeness-guard.exe", "--data-dir"]
    command += ["C:\\Users\\A P\\data & more", "watch", "run", "--due"]
    document = task_xml(command)
    assert document.startswith("\ufeff".encode("utf-16")[:2])  # UTF-16 with its mark
    tree = etree.fromstring(document)
    assert schema.validate(tree), schema.error_log
    ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    assert tree.findtext("t:Actions/t:Exec/t:Command", namespaces=ns) == command[0]
    arguments = tree.findtext("t:Actions/t:Exec/t:Arguments", namespaces=ns)
    assert arguments == '--data-dir "C:\\Users\\A P\\data & more" watch run --due'
    interval = "t:Triggers/t:TimeTrigger/t:Repetition/t:Interval"
    assert tree.findtext(interval, namespaces=ns) == "PT1H"
    # The check can fail: an element out of the documented order, or a wrong value.
    wrong = document.decode("utf-16").replace("IgnoreNew", "KeepBoth").encode("utf-16")
    assert not schema.validate(etree.fromstring(wrong))

    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))  # no schtasks on this system
    data = tmp_path / "data"
    state = turn_on(data, ScheduleSystem.TASK_SCHEDULER)
    assert not state.on  # written, but only Task Scheduler can take it: the person is told
    [written] = state.files
    assert state.note is not None
    assert "Import Task" in state.note
    assert written in state.note
    assert schema.validate(etree.parse(written))
    turn_off(data, ScheduleSystem.TASK_SCHEDULER)
    assert not Path(written).exists()
