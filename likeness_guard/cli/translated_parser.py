"""argparse in the language in use: the parser's own words (usage, section titles, -h, the
error line) and the examples under each command's help.

argparse translates its own words through the standard library's gettext domain, which no
catalog of ours fills; `TranslatedParser` says them through likeness_guard.locale instead.
Every subcommand's parser is one too (argparse makes them of the parent's class). The
details of argparse's own error messages ("the following arguments are required") stay
English.
"""

import argparse
import sys
from typing import Any, NoReturn

from likeness_guard.locale import _


class _TranslatedUsage(argparse.HelpFormatter):
    """A help formatter that says "usage: " in the language in use."""

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        # Translators: starts the line that shows how to type a command; keep the space.
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n  " in text:  # examples, one command a line (`examples`): never re-wrapped
            return "\n".join(indent + line for line in text.splitlines())
        return super()._fill_text(text, width, indent)


class _TranslatedRawDescription(_TranslatedUsage, argparse.RawDescriptionHelpFormatter):
    """RawDescriptionHelpFormatter (descriptions and examples keep their lines), translated."""


_FORMATTERS: dict[object, type[argparse.HelpFormatter]] = {
    argparse.HelpFormatter: _TranslatedUsage,
    argparse.RawDescriptionHelpFormatter: _TranslatedRawDescription,
}


class TranslatedParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words are in the language in use (build it after
    `use_language`: the words are taken when the parser is made)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translated = _FORMATTERS.get(self.formatter_class)
        if translated is not None:  # another formatter class is left as it is
            self.formatter_class = translated
        # Translators: the headings of a command's help, above its arguments and options.
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = _("show this help message and exit")

    def error(self, message: str) -> NoReturn:
        """Print the usage and the error (argparse's own detail, in English) and exit 2."""
        self.print_usage(sys.stderr)
        # Translators: {prog} is the command typed, e.g. "likeness-guard scan".
        self.exit(2, _("{prog}: error: {message}").format(prog=self.prog, message=message) + "\n")


def examples(*lines: str | tuple[str, str]) -> str:
    """The epilog of a command's help: example commands (not translated), each with an
    optional comment in the language in use: `examples("likeness-guard scans")`, or
    `examples(("likeness-guard enroll group.jpg", _("(lists the faces)")))`."""
    shown = []
    for line in lines:
        command, comment = line if isinstance(line, tuple) else (line, "")
        shown.append(f"  {command}   {comment}" if comment else f"  {command}")
    heading = _("Example:") if len(lines) == 1 else _("Examples:")
    return heading + "\n" + "\n".join(shown)
