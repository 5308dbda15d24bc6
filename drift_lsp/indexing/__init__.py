"""The one write path from analysis results to the database, shared by `drift scan` and a
file saved in the editor: store a file's results, re-learn what they touched, re-pick
examples. `analysis/` turns text into results; this package is the only one that persists
them."""
