"""Small fixes to the HTML that the Jupyter Book 1 theme stack writes, so pages load cleanly.

sphinx-thebe and sphinx-togglebutton register their inline configuration scripts twice (once
with the file name ``None``, once with ``""``); the second ``const THEBE_JS_URL`` throws
"Identifier 'THEBE_JS_URL' has already been declared" in the browser. Each script is kept once.
"""

import os


def _drop_repeated_scripts(app, pagename, templatename, context, doctree):
    seen, kept = set(), []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {})
        key = (getattr(script, "filename", script) or "", tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept


def setup(app):
    # The kernels the build starts inherit this: no reader drives their sliders, so each draws
    # the static control (sparsebook.widgets.widget_mode), never ipywidgets that would do nothing.
    os.environ.setdefault("SPARSEBOOK_WIDGETS", "static")
    app.connect("html-page-context", _drop_repeated_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
