"""The build side: turns the notebooks and the data into report/ and figures/. Nothing a notebook
imports lives here, so a change to the build never re-executes a notebook, and a change to the
notebook side re-executes every run that uses it (the runs' keys cover it whole)."""
