"""JupyterLab for the project, kept clean: notebooks are saved without outputs, execution counts
or the metadata Lab rewrites (exactly what the git filter would strip), so "Run all" then save,
with no edit, leaves `git status` clean. Analysts see every output in Lab; the files on disk hold
only what is reviewed and committed: the cells.

The same rules serve the git filter (nbstripout), which `make` installs for notebooks edited
elsewhere: `python -m logistics_pacts.build.lab --install-git-filter`.
"""
from __future__ import annotations

import subprocess
import sys

# Metadata JupyterLab rewrites on every save, stripped by the save hook and by the git filter.
EXTRA_KEYS = ["metadata.language_info"]
# nbstripout's own defaults, which the git filter applies too.
NBSTRIPOUT_KEYS = ["metadata.signature", "metadata.widgets", "cell.metadata.collapsed", "cell.metadata.ExecuteTime",
                   "cell.metadata.execution", "cell.metadata.heading_collapsed", "cell.metadata.hidden",
                   "cell.metadata.scrolled"]


def strip_outputs_before_save(model, path, contents_manager, **kwargs):
    """Jupyter's pre-save hook: a notebook is written as the git filter would commit it."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    import nbformat
    from nbstripout import strip_output

    notebook = nbformat.from_dict(model["content"])
    model["content"] = strip_output(notebook, keep_output=False, keep_count=False, keep_id=False,
                                    extra_keys=NBSTRIPOUT_KEYS + EXTRA_KEYS)


def install_git_filter(root: str = ".") -> None:
    """nbstripout as the project's git filter for notebooks, stripping the keys above too."""
    subprocess.run([sys.executable, "-m", "nbstripout", "--install"], cwd=root, check=True)
    subprocess.run(["git", "config", "filter.nbstripout.extrakeys", " ".join(EXTRA_KEYS)], cwd=root, check=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--install-git-filter"]:
        install_git_filter()
    else:
        sys.exit("usage: python -m logistics_pacts.build.lab --install-git-filter")
