"""TensorFlow and Keras, imported quietly.

TensorFlow prints start-up lines (CPU features, CUDA lookups, oneDNN notices) from
C++ while it is imported, some of them before its log level applies. Modules that
need TensorFlow import it from here: unless you set ``TF_CPP_MIN_LOG_LEVEL`` below 2
yourself, the C++ standard error is muted during the import (Python errors still
show).
"""

import contextlib
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import absl.logging  # noqa: E402

absl.logging.set_verbosity(absl.logging.ERROR)



@contextlib.contextmanager
def _muted_stderr_fd():
    """Send the process's file descriptor 2 to /dev/null for the duration."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real fd 2 (some embedded interpreters)
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


_quiet = int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0") or 0) >= 2
with _muted_stderr_fd() if _quiet else contextlib.nullcontext():
    import tensorflow as tf  # noqa: E402
    import keras  # noqa: E402

    tf.config.list_physical_devices("GPU")  # the CUDA lookup logs here, once

tf.get_logger().setLevel("ERROR")


def device_name() -> str:
    """Where TensorFlow trains: the first GPU's name, else "cpu (N cores)"."""
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        return f"gpu: {details.get('device_name', gpus[0].name)}"
    return f"cpu ({os.cpu_count()} cores)"


__all__ = ["tf", "keras", "device_name"]
