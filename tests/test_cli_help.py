"""The command line speaks one language: click's own words in Indonesian, and every command's
help ends with examples and exit codes."""

from __future__ import annotations

import ast
import os

import click
import pytest
from click.testing import CliRunner

from sopgen.cli import main
from sopgen.clitext import EXAMPLES, MESSAGES

# click texts a user of sopgen never meets: mistakes in a program's own declarations, shell
# completion set-up, Windows console internals, the editor launcher.
DEVELOPER_ONLY = {
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? Did you mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}",
    "Value must be an iterable.",
    "Couldn't detect Bash version, shell completion is not supported.",
    "Shell completion is not supported for Bash versions older than 4.4.",
    "Windows error: {error}",
    "{editor}: Editing failed",
    "{editor}: Editing failed: {e}",
    "Unknown color {colour!r}",
    "Unknown standard stream '{name}'",
    "Choice({choices})",
    "d",
}
ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "Error:", "Try '", "[default:", "[required]")


def click_texts() -> set[str]:
    """Every literal click passes to gettext/ngettext, read from its installed source."""
    folder = os.path.dirname(click.__file__)
    found: set[str] = set()
    for name in os.listdir(folder):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                found.update(a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return found


def test_every_click_text_a_user_can_meet_is_translated() -> None:
    missing = sorted(click_texts() - set(MESSAGES) - DEVELOPER_ONLY)
    assert not missing, f"add to sopgen/clitext.py MESSAGES: {missing}"


def commands() -> list[str]:
    return sorted(main.commands)


def test_every_command_has_examples() -> None:
    missing = [c for c in commands() if not EXAMPLES.get(c)]
    assert not missing, f"add examples for these commands to sopgen/clitext.py EXAMPLES: {missing}"
    for name in commands():
        assert all(e.startswith(f"sopgen {name}") for e in EXAMPLES[name]), name


@pytest.mark.parametrize("args", [[], *[[c] for c in sorted(main.commands)]], ids=lambda a: " ".join(a) or "sopgen")
def test_help_is_indonesian_with_examples_and_exit_codes(args: list[str]) -> None:
    r = CliRunner().invoke(main, [*args, "--help"])
    assert r.exit_code == 0, r.output
    out = r.output
    assert out.startswith("Penggunaan: ")
    for heading in ("Pilihan:", "Contoh:", "Kode keluar:"):
        assert f"\n{heading}\n" in out, heading
    assert "Tampilkan bantuan ini lalu keluar." in out
    assert not [w for w in ENGLISH if w in out], out
    assert "[OPTIONS]" not in out and " TEXT" not in out and " INTEGER" not in out and " PATH" not in out
    for example in EXAMPLES["sopgen" if not args else args[0]]:
        assert f"  {example}\n" in out  # as typed, never wrapped
    codes = [line.split()[0] for line in out.split("\nKode keluar:\n")[1].splitlines() if line.strip()]
    assert codes[0] == "0" and codes[-1] == "2", out


@pytest.mark.parametrize(
    "args, said",
    [
        (["validate", "--bogus"], "Galat: Tidak ada pilihan '--bogus'."),
        (["new"], "Galat: Argumen belum diberikan 'NAMA'."),
        (["vaildate"], "Galat: Tidak ada perintah 'vaildate'. Maksud Anda 'validate'?"),
        (["build", "--jobs", "x"], "Galat: Nilai tidak sah untuk '-j' / '--jobs': 'x' bukan angka yang sah."),
        (["init", "--kertas", "B5"], "Galat: Nilai tidak sah untuk '--kertas': 'B5' bukan salah satu dari 'F4', 'A4'."),
        (["preview", "--port", "70000"], "Galat: Nilai tidak sah untuk '--port': 70000 di luar rentang 0<=x<=65535."),
        (["rules", "lebih"], "Galat: Ada argumen lebih yang tidak dikenal (lebih)"),
    ],
)
def test_usage_errors_are_indonesian_and_exit_2(args: list[str], said: str) -> None:
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2
    assert said in r.output, r.output
    assert "Penggunaan: " in r.output and "untuk bantuan." in r.output
    assert not [w for w in ("Usage:", "Error:", "Try '") if w in r.output], r.output
