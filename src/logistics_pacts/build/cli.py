"""Command line: `python -m logistics_pacts validate|build|lab`. Errors print as messages
people can act on, never as a traceback; an error in the build's own code keeps its full
traceback in .cache/build-error.log, which the message names (LOGISTICS_PACTS_DEBUG=1 also
prints it).

Every command works on one project: the folder given with --root, or else the nearest
folder at or above the working folder that holds data/datapackage.json and notebooks/.
"""
from __future__ import annotations

import argparse
import os
import sys
import time


def _project(args):
    from ..project import Project

    return Project.at(args.root, args.data_dir) if args.root else Project.discover(data=args.data_dir)


def _validate(args) -> int:
    from ..validate import format_problems, validate_data

    project = _project(args)
    started = time.perf_counter()
    problems = validate_data(project.data, seeds_dir=project.seeds)
    if problems:
        print(format_problems(problems), file=sys.stderr)
        return 1
    print(f"data is valid ({time.perf_counter() - started:.1f} s): {project.display(project.data)}")
    return 0


def _build(args) -> int:
    from .config import load_config
    from .pipeline import build

    project = _project(args)
    overrides = {"partner": args.partner, "start_year": args.start_year, "end_year": args.end_year,
                 "event_kinds": args.kinds, "workers": args.workers}
    config = load_config(project, overrides=overrides)
    build(project, config, force=args.force, pdf=not args.no_pdf)
    return 0


def lab_command(project, port: int | None = None, token: str | None = None, open_browser: bool = True) -> list[str]:
    """JupyterLab on the project's notebooks, on loopback only, with a token."""
    command = [sys.executable, "-m", "jupyterlab", "--ip=127.0.0.1", f"--ServerApp.root_dir={project.notebooks}",
               "--ContentsManager.pre_save_hook=logistics_pacts.build.lab.strip_outputs_before_save",
               "--ServerApp.port_retries=0" if port else "--ServerApp.port_retries=50"]
    if port:
        command.append(f"--port={port}")
    if token:
        command.append(f"--IdentityProvider.token={token}")
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def _lab(args) -> int:
    project = _project(args)
    command = lab_command(project, args.port, args.token, open_browser=not args.no_browser)
    os.execv(command[0], command)
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="logistics-pacts", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    commands = {}
    for name, text in (("validate", "check data/ against its schema and cross-table rules"),
                       ("build", "execute the notebooks and render report/ (HTML, PDF, partner pages)"),
                       ("lab", "open JupyterLab on notebooks/ (127.0.0.1, with a token)")):
        commands[name] = sub.add_parser(name, help=text)
        commands[name].add_argument("--root", default=None, help="the project folder (default: found from the working folder)")
        commands[name].add_argument("--data-dir", default=None, help="read the data from this folder instead of <root>/data")
    build = commands["build"]
    build.add_argument("--force", action="store_true", help="re-execute every notebook, ignoring the cache")
    build.add_argument("--partner", default=None, help="profile only this partner (name or ISO alpha-3; comma-separated)")
    build.add_argument("--start-year", default=None)
    build.add_argument("--end-year", default=None)
    build.add_argument("--kinds", default=None, help="comma-separated event kinds for the timelines")
    build.add_argument("--workers", default=None, type=int)
    build.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    lab = commands["lab"]
    lab.add_argument("--port", default=None, type=int)
    lab.add_argument("--token", default=None, help="the token Lab asks for (default: a random one, printed)")
    lab.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    handler = {"validate": _validate, "build": _build, "lab": _lab}[args.command]
    from ..errors import ReportError
    from .processes import BuildInterrupted, write_error_log

    try:
        return handler(args)
    except ReportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except (KeyboardInterrupt, BuildInterrupted) as exc:
        import logging

        logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # runs cut short leave asyncio tasks behind
        name = "SIGINT" if isinstance(exc, KeyboardInterrupt) else exc.args[0]
        print(f"interrupted ({name}); the build stopped and the previous report is unchanged", file=sys.stderr)
        return 130 if isinstance(exc, KeyboardInterrupt) else 128 + exc.signum
    except Exception as exc:  # a bug in the build itself: one line here, the whole traceback in the log
        log = _shown(write_error_log(_log_folder(args), exc, context=f"logistics-pacts {args.command}"))
        if os.environ.get("LOGISTICS_PACTS_DEBUG"):
            import traceback

            traceback.print_exc()
        print(f"The build stopped on an unexpected error: {type(exc).__name__}: {exc}\n"
              f"  The previous report is unchanged. The full traceback is in {log}.", file=sys.stderr)
        return 2


def _shown(path):
    """The log's path as the user would type it (relative to the working folder when inside it)."""
    from ..project import display_path

    return display_path(path)


def _log_folder(args):
    try:
        return _project(args).cache
    except Exception:  # noqa: BLE001 - no project: the working folder
        from pathlib import Path

        return Path.cwd()


if __name__ == "__main__":
    sys.exit(main())
