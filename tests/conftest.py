"""Every test starts in the kit's default language (Chinese) unless it asks for another: a command
run in-process with ``--lang en`` sets the language for the process, as it should for a real run."""

from __future__ import annotations

import pytest

from xxgk import i18n


@pytest.fixture(autouse=True)
def _default_language(monkeypatch):
    monkeypatch.delenv(i18n.ENV, raising=False)
    i18n.set_lang(None)
    yield
    i18n.set_lang(None)
