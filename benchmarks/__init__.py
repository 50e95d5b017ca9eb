"""Speed and scale measurements on synthetic corpora (see run.py and synthetic.py)."""
