"""OS schedules that run `watch run --due` every hour while the app is closed: a systemd
user timer (Linux), a launchd agent (macOS) and a Task Scheduler task (Windows), written,
enabled and removed here. Which OS, where its files go and how the program is started come
from core/platform.py.

One schedule per data folder: the default folder's is named plainly, another folder's
carries a short hash of its path, so that a test or a second folder never touches the
person's own schedule. Each system has a fallback: without systemd the person is given the
crontab line; a launchd agent loads at the next login when launchctl cannot load it now;
a task that schtasks cannot register is left as an XML file to import.
"""

import hashlib
import os
import plistlib
import shlex
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.watching import ScheduleState, ScheduleSystem
from likeness_guard.core.platform import (
    find_tool,
    program_command,
    system_kind,
    user_data_folder,
    user_schedule_folder,
)
from likeness_guard.locale import _

EVERY = timedelta(hours=1)  # each place keeps its own period; this only asks which are due
STEM = "likeness-guard-watch"  # systemd unit names
LABEL = "org.likenessguard.watch"  # launchd's label
TASK_NAME = "Likeness Guard watch"
TASK_NAMESPACE = "http://schemas.microsoft.com/windows/2004/02/mit/task"
TOOL_SECONDS = 30  # a system tool that answers slower than this is treated as failed
_SYSTEMS = {
    "linux": ScheduleSystem.SYSTEMD,
    "macos": ScheduleSystem.LAUNCHD,
    "windows": ScheduleSystem.TASK_SCHEDULER,
}
# What `systemctl --user is-system-running` prints when a user manager answers.
_MANAGER_STATES = {"initializing", "starting", "running", "degraded", "maintenance"}


def this_system() -> ScheduleSystem:
    """The scheduler of the system the app runs on."""
    return _SYSTEMS[system_kind()]


def watch_command(folder: Path) -> list[str]:
    """The command a schedule runs for this data folder."""
    return [*program_command(), "--data-dir", str(folder), "watch", "run", "--due"]


def _suffix(folder: Path) -> str:
    """Empty for the default data folder, else a short hash of the folder's path."""
    default = Path(os.path.abspath(user_data_folder()))
    here = Path(os.path.abspath(folder))
    return "" if here == default else "-" + hashlib.sha256(str(here).encode()).hexdigest()[:8]


def schedule_name(folder: Path, system: ScheduleSystem) -> str:
    """The schedule's name: plain for the default data folder, with a short hash of the
    folder's path for any other."""
    suffix = _suffix(folder)
    if system is ScheduleSystem.LAUNCHD:
        return LABEL + suffix.replace("-", ".")
    if system is ScheduleSystem.TASK_SCHEDULER:
        return TASK_NAME + suffix
    return STEM + suffix


# ---- the files -------------------------------------------------------------------------


def _systemd_quote(argument: str) -> str:
    """One ExecStart argument: double-quoted, with specifiers (%) and variables ($) kept
    literal (systemd.service, "Command lines")."""
    text = argument.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("%", "%%").replace("$", "$$") + '"'


def systemd_units(name: str, command: Sequence[str]) -> dict[str, str]:
    """The service that runs the command once and the timer that starts it every hour
    (and after a sleep or shutdown that missed a run: Persistent=)."""
    service = (
        "[Unit]\n"
        "Description=Likeness Guard: look at the watched places for new pictures\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={' '.join(_systemd_quote(part) for part in command)}\n"
        "Nice=10\n"
        "IOSchedulingClass=idle\n"
    )
    timer = (
        "[Unit]\n"
        "Description=Likeness Guard: look at the watched places every hour\n"
        "\n"
        "[Timer]\n"
        "OnCalendar=hourly\n"
        "Persistent=true\n"
        "RandomizedDelaySec=300\n"
        f"Unit={name}.service\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{name}.service": service, f"{name}.timer": timer}


def launchd_plist(label: str, command: Sequence[str]) -> bytes:
    """A launchd agent that runs the command every hour, in the background."""
    agent = {
        "Label": label,
        "ProgramArguments": list(command),
        "StartInterval": int(EVERY.total_seconds()),
        "RunAtLoad": False,
        "ProcessType": "Background",
        "LowPriorityIO": True,
        "Nice": 10,
    }
    return plistlib.dumps(agent, fmt=plistlib.FMT_XML)


def task_xml(command: Sequence[str], now: datetime | None = None) -> bytes:
    """A Task Scheduler task (schema version 1.2, UTF-16 as schtasks expects) that runs the
    command every hour for the user who is logged on, hidden, one run at a time."""
    start = (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)
    ET.register_namespace("", TASK_NAMESPACE)

    def add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        child = ET.SubElement(parent, f"{{{TASK_NAMESPACE}}}{tag}")
        child.text = text
        return child

    task = ET.Element(f"{{{TASK_NAMESPACE}}}Task", {"version": "1.2"})
    info = add(task, "RegistrationInfo")
    add(info, "Author", "Likeness Guard")
    add(info, "Description", "Looks at the watched places for new pictures.")
    trigger = add(add(task, "Triggers"), "TimeTrigger")
    add(trigger, "Enabled", "true")
    add(trigger, "StartBoundary", start.strftime("%Y-%m-%dT%H:%M:%SZ"))
    add(add(trigger, "Repetition"), "Interval", "PT1H")
    principal = add(add(task, "Principals"), "Principal")
    principal.set("id", "Author")
    add(principal, "LogonType", "InteractiveToken")
    add(principal, "RunLevel", "LeastPrivilege")
    settings = add(task, "Settings")
    for tag, value in (
        ("MultipleInstancesPolicy", "IgnoreNew"),
        ("DisallowStartIfOnBatteries", "false"),
        ("StopIfGoingOnBatteries", "false"),
        ("StartWhenAvailable", "true"),
        ("Hidden", "true"),
        ("ExecutionTimeLimit", "PT2H"),
        ("Priority", "7"),
    ):
        add(settings, tag, value)
    actions = add(task, "Actions")
    actions.set("Context", "Author")
    run = add(actions, "Exec")
    add(run, "Command", command[0])
    add(run, "Arguments", subprocess.list2cmdline(list(command[1:])))
    text = ET.tostring(task, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-16"?>\n' + text + "\n").encode("utf-16")


@dataclass(frozen=True)
class PlannedFile:
    """A schedule file: where it goes and what it holds."""

    path: Path
    data: bytes


def planned_files(
    folder: Path, system: ScheduleSystem, command: Sequence[str] | None = None
) -> list[PlannedFile]:
    """The files of this data folder's schedule on `system` (the timer last, for systemd)."""
    command = list(command) if command is not None else watch_command(folder)
    name = schedule_name(folder, system)
    where = user_schedule_folder(_kind_of(system))
    if system is ScheduleSystem.LAUNCHD:
        return [PlannedFile(where / f"{name}.plist", launchd_plist(name, command))]
    if system is ScheduleSystem.TASK_SCHEDULER:
        return [PlannedFile(where / f"{STEM}{_suffix(folder)}.xml", task_xml(command))]
    units = systemd_units(name, command)
    return [PlannedFile(where / file, text.encode()) for file, text in units.items()]


def _kind_of(system: ScheduleSystem) -> str:
    return next(kind for kind, known in _SYSTEMS.items() if known is system)


# ---- turning it on and off -------------------------------------------------------------


def _tool(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Run a system tool; a tool that cannot be started or hangs answers as a failure."""
    try:
        return subprocess.run(
            list(argv), capture_output=True, text=True, timeout=TOOL_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(list(argv), 1, "", str(exc))


def _must(argv: Sequence[str]) -> None:
    """Run a step the schedule cannot do without; raises UserFacingError when it fails."""
    done = _tool(argv)
    if done.returncode != 0:
        raise UserFacingError(
            _("The system did not accept the schedule ({command}): {reason}").format(
                command=" ".join(argv[:3]), reason=(done.stderr or done.stdout).strip()
            )
        )


def schedule_state(folder: Path, system: ScheduleSystem | None = None) -> ScheduleState:
    """Whether this data folder's schedule is written and enabled (read from the files; only
    on Windows is Task Scheduler asked)."""
    system = system or this_system()
    files = planned_files(folder, system)
    present = tuple(str(file.path) for file in files if file.path.exists())
    on = len(present) == len(files)
    if system is ScheduleSystem.SYSTEMD:
        timer = files[-1].path
        on = on and (timer.parent / "timers.target.wants" / timer.name).is_symlink()
    elif system is ScheduleSystem.TASK_SCHEDULER:  # the XML alone runs nothing
        schtasks = find_tool("schtasks")
        query = [schtasks or "", "/Query", "/TN", schedule_name(folder, system)]
        on = on and schtasks is not None and _tool(query).returncode == 0
    return ScheduleState(system, on, files=present)


def turn_on(folder: Path, system: ScheduleSystem | None = None) -> ScheduleState:
    """Write this data folder's schedule and enable it; returns what now holds.

    Raises UserFacingError when the system has no scheduler the app can use (with what to
    do instead) or refuses the schedule.
    """
    system = system or this_system()
    files = planned_files(folder, system)
    if system is ScheduleSystem.SYSTEMD:
        return _systemd_on(folder, files)
    _write(files)
    written = tuple(str(file.path) for file in files)
    if system is ScheduleSystem.LAUNCHD:
        return _launchd_on(files[0].path, written)
    schtasks = find_tool("schtasks")
    if schtasks is None:
        note = _(
            "Task Scheduler could not be reached. Open Task Scheduler, choose Import Task, "
            "and pick {file}."
        ).format(file=written[0])
        return ScheduleState(system, False, files=written, note=note)
    name = schedule_name(folder, system)
    _must([schtasks, "/Create", "/TN", name, "/XML", written[0], "/F"])
    return ScheduleState(system, True, active_now=True, files=written)


def turn_off(folder: Path, system: ScheduleSystem | None = None) -> ScheduleState:
    """Disable and delete this data folder's schedule (nothing is run when there is none);
    returns what now holds. Raises UserFacingError when a file cannot be deleted."""
    system = system or this_system()
    files = planned_files(folder, system)
    if not any(file.path.exists() for file in files):
        return ScheduleState(system, False)
    name = schedule_name(folder, system)
    systemctl = find_tool("systemctl") if system is ScheduleSystem.SYSTEMD else None
    running = systemctl is not None and _user_manager_runs(systemctl)
    if systemctl is not None:
        _tool([systemctl, "--user", "disable", *(["--now"] if running else []), f"{name}.timer"])
    elif system is ScheduleSystem.LAUNCHD and (launchctl := find_tool("launchctl")):
        _tool([launchctl, "bootout", f"gui/{os.getuid()}/{name}"])
    elif system is ScheduleSystem.TASK_SCHEDULER and (schtasks := find_tool("schtasks")):
        _tool([schtasks, "/Delete", "/TN", name, "/F"])
    try:
        for file in files:
            file.path.unlink(missing_ok=True)
            if system is ScheduleSystem.SYSTEMD:  # a link left by an enable without systemctl
                (file.path.parent / "timers.target.wants" / file.path.name).unlink(missing_ok=True)
    except OSError as exc:
        raise UserFacingError(
            _("The schedule could not be removed: {reason}").format(reason=exc.strerror or exc)
        ) from exc
    if systemctl is not None and running:
        _tool([systemctl, "--user", "daemon-reload"])
    return ScheduleState(system, False)


def _write(files: list[PlannedFile]) -> None:
    from likeness_guard.core.storage.fs import write_atomic

    try:
        for file in files:
            file.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(file.path, file.data)
    except OSError as exc:
        raise UserFacingError(
            _("The schedule could not be written: {reason}").format(reason=exc.strerror or exc)
        ) from exc


def _user_manager_runs(systemctl: str) -> bool:
    """Whether this user's systemd manager answers (it does not in a container, or before
    the person's first graphical login on some systems)."""
    answer = _tool([systemctl, "--user", "is-system-running"])
    return answer.stdout.strip() in _MANAGER_STATES


def _systemd_on(folder: Path, files: list[PlannedFile]) -> ScheduleState:
    systemctl = find_tool("systemctl")
    if systemctl is None:
        line = " ".join(shlex.quote(part) for part in watch_command(folder))
        raise UserFacingError(
            _(
                "This system has no systemd to run the schedule. To look at the watch list "
                "every hour, add this line with crontab -e: {line}"
            ).format(line=f"0 * * * * {line}")
        )
    _write(files)
    written = tuple(str(file.path) for file in files)
    timer = files[-1].path.name
    # Enabling only links the timer into timers.target; it works without a running manager.
    _must([systemctl, "--user", "enable", timer])
    if not _user_manager_runs(systemctl):
        note = _("The schedule starts the next time you log in.")
        return ScheduleState(ScheduleSystem.SYSTEMD, True, files=written, note=note)
    _must([systemctl, "--user", "daemon-reload"])
    _must([systemctl, "--user", "start", timer])
    return ScheduleState(ScheduleSystem.SYSTEMD, True, active_now=True, files=written)


def _launchd_on(plist: Path, written: tuple[str, ...]) -> ScheduleState:
    launchctl = find_tool("launchctl")
    # An agent in ~/Library/LaunchAgents is loaded at every login; bootstrap loads it now.
    if launchctl is not None:
        domain = f"gui/{os.getuid()}"
        _tool([launchctl, "bootout", f"{domain}/{plist.stem}"])  # an older copy, if loaded
        if _tool([launchctl, "bootstrap", domain, str(plist)]).returncode == 0:
            return ScheduleState(ScheduleSystem.LAUNCHD, True, active_now=True, files=written)
    note = _("The schedule starts the next time you log in.")
    return ScheduleState(ScheduleSystem.LAUNCHD, True, files=written, note=note)
