import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("SPARSEBOOK_WIDGETS", "static")  # no reader moves a test's sliders
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
