"""Command line: `python -m logistics_pacts validate` and `python -m logistics_pacts build`.

Errors meant for people are printed as plain messages with a non-zero exit,
never as a traceback (set LOGISTICS_PACTS_DEBUG=1 to see one)."""
from __future__ import annotations

import argparse
import os
import sys
import time


def _validate(args) -> int:
    from .paths import DATA_DIR, SEEDS_DIR
    from .validate import format_problems, validate_data

    started = time.perf_counter()
    data_dir = args.data_dir or DATA_DIR
    problems = validate_data(data_dir, seeds_dir=SEEDS_DIR)
    if problems:
        print(format_problems(problems), file=sys.stderr)
        return 1
    print(f"data is valid ({time.perf_counter() - started:.1f} s): {data_dir}")
    return 0


def _build(args) -> int:
    from .build import build
    from .config import load_config

    overrides = {"partner": args.partner, "start_year": args.start_year, "end_year": args.end_year,
                 "event_kinds": args.kinds, "workers": args.workers}
    config = load_config(overrides=overrides)
    build(config, force=args.force, pdf=not args.no_pdf, data_dir=args.data_dir)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="logistics-pacts", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check data/ against its schema and cross-table rules")
    validate.add_argument("--data-dir", default=None)
    build = sub.add_parser("build", help="execute the notebooks and render report/ (HTML, PDF, partner pages)")
    build.add_argument("--force", action="store_true", help="re-execute every notebook, ignoring the cache")
    build.add_argument("--partner", default=None, help="profile only this partner (name or ISO alpha-3; comma-separated)")
    build.add_argument("--start-year", default=None)
    build.add_argument("--end-year", default=None)
    build.add_argument("--kinds", default=None, help="comma-separated event kinds for the timelines")
    build.add_argument("--workers", default=None, type=int)
    build.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    build.add_argument("--data-dir", default=None, help="build from another data folder (benchmarks, tests)")
    args = parser.parse_args(argv)
    handler = {"validate": _validate, "build": _build}[args.command]
    if os.environ.get("LOGISTICS_PACTS_DEBUG"):
        return handler(args)
    from .build import BuildError
    from .config import ConfigError
    from .render import RenderError
    from .validate import DataValidationError

    try:
        return handler(args)
    except (BuildError, ConfigError, RenderError, DataValidationError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous report is unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in the build itself: still no wall of traceback
        print(f"The build stopped on an unexpected error: {type(exc).__name__}: {exc}\n"
              "  The previous report is unchanged. Run again with LOGISTICS_PACTS_DEBUG=1 for the traceback.",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
