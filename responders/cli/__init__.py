"""The `makegood` command: one typer app, each subcommand group in a module of its own."""

from __future__ import annotations

import importlib
import sys

import typer

app = typer.Typer(
    name="makegood",
    help="Watch social media for a brand and turn complaints into loyal customers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def version() -> str:
    """The installed makegood's version."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("makegood")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _print_version(wanted: bool) -> None:
    if wanted:
        print(f"makegood {version()}")
        raise typer.Exit(0)


@app.callback()
def _root(
    _version: bool = typer.Option(
        False,
        "--version",
        help="print the version and exit",
        is_eager=True,
        callback=_print_version,
    ),
) -> None:
    """Watch social media for a brand and turn complaints into loyal customers."""


# The registry: each command name and the module that registers it on `app` when imported.
# Only the module of the command being run is imported, so `makegood score` starts fast.
COMMANDS = {
    "score": "responders.cli.score_cmd",
    "poll": "responders.cli.poll_cmd",
    "demo": "responders.cli.demo_cmd",
    "serve": "responders.cli.serve_cmd",
    "worker": "responders.cli.worker_cmd",
    "run": "responders.cli.worker_cmd",
    "users": "responders.cli.users_cmd",
    "cases": "responders.cli.cases_cmd",
    "check": "responders.cli.check_cmd",
    "import": "responders.cli.import_cmd",
    "init": "responders.cli.init_cmd",
    "migrate": "responders.cli.migrate_cmd",
    "train": "responders.cli.train_cmd",
    "models": "responders.cli.models_cmd",
}


def load_commands(argv: list[str] | None = None) -> None:
    """Import the module of the command named in `argv`, or every module (for --help)."""
    words = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")]
    if not words and "--version" in (sys.argv[1:] if argv is None else argv):
        return  # nothing to import to print the version
    wanted = COMMANDS.get(words[0]) if words else None
    for module in [wanted] if wanted else dict.fromkeys(COMMANDS.values()):
        importlib.import_module(module)


def main() -> None:
    """Entry point of the `makegood` console script."""
    load_commands()
    app(prog_name="makegood")


if __name__ == "__main__":
    sys.exit(main())
