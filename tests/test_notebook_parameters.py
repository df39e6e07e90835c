"""Notebooks an analyst can steer: run as JupyterLab runs them (papermill, the project kernel), a
wrong parameter stops at the setup cell with one line that says what is wrong and what is allowed,
as `make report` says it; a year given as text works; and the profile's years apply to its tables."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def run(tmp_path: Path, notebook: str, **parameters) -> tuple[dict, str | None]:
    """Execute a copy of the notebook; returns it and the error it stopped on (one text), if any."""
    import papermill

    output = tmp_path / notebook
    try:
        papermill.execute_notebook(str(ROOT / "notebooks" / notebook), str(output), kernel_name="logistics-pacts",
                                   cwd=str(ROOT / "notebooks"), progress_bar=False,
                                   parameters=dict(parameters, data_dir=str(ROOT / "data"), output_dir=str(tmp_path / "out")))
    except papermill.PapermillExecutionError:
        pass
    executed = json.loads(output.read_text(encoding="utf-8"))
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    return executed, (errors[0] if errors else None)


def shown(notebook: dict) -> str:
    return "\n".join("".join(o.get("data", {}).get("text/html", "")) + "".join(o.get("data", {}).get("text/markdown", ""))
                     for c in notebook["cells"] for o in c.get("outputs", []))


@pytest.mark.parametrize("parameters,words", [
    ({"partner": "India"}, "is India itself"),
    ({"partner": "Australlia"}, "Did you mean 'Australia'?"),
    ({"event_kinds": ["excercise"]}, "Did you mean 'exercise'?"),
    ({"start_year": 2030}, "outside the years the data covers"),
    ({"start_year": "twenty"}, "is not a year"),
], ids=["home-country", "misspelt-partner", "misspelt-kind", "year-out-of-range", "year-not-a-number"])
def test_a_wrong_parameter_stops_with_one_line(tmp_path, parameters, words):
    executed, error = run(tmp_path, "partner_profile.ipynb", **parameters)
    assert error is not None, "the notebook ran with a wrong parameter"
    assert error["ename"] == "ParameterError" and words in error["evalue"], error["evalue"]
    assert len(error["traceback"]) == 1, "a traceback instead of one line"
    failed_at = next(i for i, c in enumerate(executed["cells"]) if any(o.get("output_type") == "error" for o in c.get("outputs", [])))
    assert "check_notebook_parameters" in "".join(executed["cells"][failed_at]["source"]), "it stopped somewhere deep"


def test_a_year_given_as_text_works(tmp_path):
    executed, error = run(tmp_path, "02-the-2020-agreement.ipynb", start_year="2015")
    assert error is None, error and error["evalue"]
    assert "India–Japan defence relations, 2015–2026" in shown(executed) or "from 2015 to 2026" in shown(executed)


def test_the_profiles_years_apply_to_its_tables(tmp_path):
    executed, error = run(tmp_path, "partner_profile.ipynb", partner="Japan", start_year=2021, end_year=2022)
    assert error is None, error and error["evalue"]
    page = shown(executed)
    exercises = re.search(r'id="tab-partner-exercises".*?</table>', page, re.S).group(0)
    years = [int(y) for y in re.findall(r"<tr><td[^>]*>(?:\d{1,2} )?(?:[A-Z][a-z]{2} )?(\d{4})</td>", exercises)]
    assert years and all(2021 <= y <= 2022 for y in years), years
    assert "Exercise editions with India and Japan, 2021–2022" in exercises
    uses = re.search(r'id="tab-partner-uses".*?</table>', page, re.S).group(0)
    assert all(2021 <= int(y) <= 2022 for y in re.findall(r"<tr><td[^>]*>(?:\d{1,2} )?(?:[A-Z][a-z]{2} )?(\d{4})</td>", uses))
    assert "all years" in re.search(r'id="tab-partner-agreements".*?</caption>', page, re.S).group(0)


def test_the_profile_opens_with_a_computed_assessment(tmp_path):
    executed, error = run(tmp_path, "partner_profile.ipynb", partner="KOR")
    assert error is None, error and error["evalue"]
    texts = ["".join(o.get("data", {}).get("text/markdown", "")) for c in executed["cells"] for o in c.get("outputs", [])]
    first = next(t for t in texts if t and not t.startswith("#"))
    assert first.startswith("India's logistics agreement with South Korea") and "bilateral exercise editions" in first
