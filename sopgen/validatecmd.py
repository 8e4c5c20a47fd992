"""`sopgen validate`: the report of a validation, and the command's plain forms run without click.

An editor or a pre-commit hook runs `sopgen validate FILE` on every save; importing click
(with the modules it pulls in: inspect's helpers, uuid, platform, gettext) was an eighth of
that command in a 1,000-file project. So `run_plain` answers the argument lists whose meaning
is certain (paths that exist and can be read, `--strict`, `--format` with one of its values)
exactly as the click command does, and leaves everything else to it (help, a misspelt option,
a missing file, no sops/ folder, shell completion, Windows' wildcard expansion): those keep
click's messages and exit code 2. `tests/test_cli_validate.py` runs both on the same lists.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

FORMATS = ("text", "json", "github", "sarif", "junit")


def report(paths: list[Path], fmt: str, strict: bool) -> tuple[str, int, Path]:
    """Validate (with the per-file cache): the report in `fmt`, the exit code (1: errors,
    with `strict` warnings too) and the project folder."""
    from sopgen.source.reporters import REPORTERS
    from sopgen.source.validate import validate

    result = validate(paths or None, models=False, cache=True)
    return REPORTERS[fmt](result, strict=strict), 1 if result.failed(strict) else 0, result.project.root


def plain_arguments(args: list[str]) -> tuple[list[Path], str, bool] | None:
    """(paths, format, strict) of `validate ...` when click would read them so and run the
    command without a usage error; None for anything else."""
    if not args or args[0] != "validate" or os.name == "nt" or any(k.endswith("_COMPLETE") for k in os.environ):
        return None
    paths: list[Path] = []
    fmt, strict = "text", False
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--strict":
            strict = True
        elif arg == "--format" or arg.startswith("--format="):
            fmt = arg[len("--format=") :] if "=" in arg else next(rest, "")
            if fmt not in FORMATS:
                return None
        elif arg.startswith("-") or not _readable(arg):
            return None
        else:
            paths.append(Path(arg))
    if not paths:
        from sopgen.source.project import find_root

        if not (find_root(Path.cwd()) / "sops").is_dir():
            return None
    return paths, fmt, strict


def _readable(arg: str) -> bool:
    """What click.Path (exists=False, readable=True) and the command's own check let through."""
    try:
        os.stat(arg)
    except (OSError, ValueError):
        return False
    return os.access(arg, os.R_OK)


def run_plain(args: list[str]) -> int | None:
    """Run `sopgen validate` for a plain argument list: the exit code, or None (nothing done)
    when the click command must read these arguments."""
    parsed = plain_arguments(args)
    if parsed is None:
        return None
    from sopgen.entry import exit_cleanly_on_sigterm

    exit_cleanly_on_sigterm()
    try:
        text, code, _ = report(*parsed)
        _echo(text)
    except (EOFError, KeyboardInterrupt):  # as click's main: a blank line, "Dibatalkan!", exit 1
        import click

        from sopgen.clitext import gettext

        click.echo(file=sys.stderr)
        click.echo(gettext("Aborted!"), file=sys.stderr)
        return 1
    except OSError as err:
        if err.errno != errno.EPIPE:
            raise
        from click import utils  # as click's main: the reader left, no more flushing errors

        pacify = getattr(utils, "_PacifyFlushWrapper", None) or utils.PacifyFlushWrapper  # click 8.5 / before
        sys.stdout = pacify(sys.stdout)
        sys.stderr = pacify(sys.stderr)
        return 1
    return code


def _echo(text: str) -> None:
    """`click.echo(text)`: written as it is to a UTF-8 standard output when nothing in it is
    a terminal code click would strip; otherwise through click.echo itself."""
    out = sys.stdout
    if out is None or "\x1b" in text or (getattr(out, "encoding", None) or "").lower().replace("-", "") != "utf8":
        import click

        click.echo(text)
        return
    out.write(text + "\n")
    out.flush()
