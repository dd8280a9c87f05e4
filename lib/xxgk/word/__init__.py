"""The Word file (.docx) of a report, written from the document model with lxml.

- :mod:`.ooxml`: WordprocessingML elements, built in the order the schema wants them (Word
  refuses a file whose properties are out of order; LibreOffice is kinder).
- :mod:`.page`: page and type as offices expect them (GB/T 9704): A4, margins, fonts, sizes, line
  spacing, the styles, the page numbers.
- :mod:`.body`: title, sections, narrative and signature as paragraphs and runs.
- :mod:`.tables`: the official grids as tables with merged cells.
- :mod:`.package`: the parts zipped, byte for byte the same for the same document.
"""
