"""``xxgk import``: a published report (web page, text copy, PDF, Word document) back as data.

Data flows one way: a *source* reader (:mod:`.sources`) turns a file into a :class:`~.document.Document`
(paragraphs and tables as grids, each with where it was found); :mod:`.version` tells which format
it follows; :mod:`.tables` places the figures in the official cells; :mod:`.narrative` finds the
title, sections and signature; :mod:`.write` writes the kit's own data and params files; the import
report says what was read from where, and what could not be.  Deterministic: no language model, no
network.
"""
