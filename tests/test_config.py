import pytest

from sparsebook.config import current_mode, settings


def test_default_mode_is_quick(monkeypatch):
    monkeypatch.delenv("SPARSEBOOK_MODE", raising=False)
    assert current_mode() == "quick"


def test_mode_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SPARSEBOOK_MODE", "FULL")
    assert current_mode() == "full"
    assert current_mode("quick") == "quick"  # an argument wins


def test_full_mode_is_the_source_setup():
    full = settings("full")
    assert (full.data, full.steps, full.batch_size) == ("full", 20_000, 100)
    assert settings("quick").data == "subset"


def test_unknown_mode_is_refused(monkeypatch):
    monkeypatch.setenv("SPARSEBOOK_MODE", "fast")
    with pytest.raises(ValueError, match="SPARSEBOOK_MODE"):
        current_mode()
    with pytest.raises(TypeError):
        current_mode(3)
