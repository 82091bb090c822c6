"""Full-size studies of Part I (sparse coding in numpy), run by ``python -m sparsebook.sweep``.

Each study is registered with :func:`sparsebook.sweep.register_study`; its results are
committed as ``results/<name>.json`` and ``results/<name>.npz`` and read by the chapters.
"""

from __future__ import annotations
