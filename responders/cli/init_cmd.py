"""`makegood init DIR`: an editable configuration and the shipped templates, for a deployment."""

from __future__ import annotations

import shutil
from pathlib import Path

import typer

from monitor import bundle
from monitor.settings import CONFIG_ENV, project_folder
from responders.cli import app
from responders.cli.common import fail
from responders.results import Result

CONFIG_NAME = "makegood.toml"
HEADER = (
    "# Written by `makegood init` from the bundled example: edit the brand and its channels for\n"
    "# your deployment (docs/configuration.md lists every setting; secrets stay in the\n"
    "# environment). Relative paths are relative to this file's folder (its parent when that\n"
    "# folder is named config).\n\n"
)


def planned_files(folder: Path) -> dict[Path, Path]:
    """Each file init writes in `folder`, and the bundled file it is copied from."""
    plan = {folder / CONFIG_NAME: bundle.example_config()}
    # Where the configuration will look for them (above the folder when it is named config/).
    templates = project_folder(folder / CONFIG_NAME) / "templates"
    shipped = bundle.templates()
    for source in sorted(shipped.rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts:
            plan[templates / source.relative_to(shipped)] = source
    return plan


def write_project(folder: Path, force: bool = False) -> Result[list[Path]]:
    """Write the configuration and the templates into `folder`; refuse to overwrite unless forced.

    Nothing is written when anything would be overwritten without `force`, so a refused init
    leaves the folder as it was.
    """
    if folder.exists() and not folder.is_dir():
        return Result.failure(f"{folder}: exists and is not a folder")
    plan = planned_files(folder)
    existing = [path for path in plan if path.exists()]
    if existing and not force:
        names = ", ".join(str(p) for p in existing[:3]) + (" ..." if len(existing) > 3 else "")
        return Result.failure(f"would overwrite {names} (give --force to replace them)")
    for target, source in plan.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.name == CONFIG_NAME:
            target.write_text(HEADER + source.read_text(encoding="utf-8"), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
    return Result.success(list(plan))


@app.command("init")
def init(
    folder: Path = typer.Argument(..., help="the folder to write (created when missing)"),
    force: bool = typer.Option(False, "--force", help="overwrite files that are already there"),
) -> None:
    """Write an editable configuration and the reply and alert templates into FOLDER."""
    result = write_project(folder, force)
    if not result.ok:
        fail(result.error)
    config = (folder / CONFIG_NAME).resolve()
    print(
        f"wrote {config} and {len(result.value or []) - 1} templates in {config.parent}/templates"
    )
    print("next:")
    print(f"  export {CONFIG_ENV}={config}")
    print("  makegood check                      # settings, database, SMTP, channels")
    print("  makegood users add NAME --role admin")
    print("  makegood run                        # or the worker and serve as services")
