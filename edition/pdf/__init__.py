"""The PDF writer: one book per text, typeset by WeasyPrint from the document model.

A sibling of the site writer (``edition.render``): both read the same model
and take ids, labels and addresses from ``edition.addresses``; neither imports
the other.

    book.py     the model -> print HTML (templates/print/*.j2), one document per text
    typeset.py  print HTML -> PDF bytes with WeasyPrint (book, then its name index)
    produce.py  every text's PDF: content-addressed cache, process pool, progress,
                the ``DataFile``s and the facts (size, pages) the site shows

Named destinations (documented in docs/method.md): ``<unit>`` opens a unit,
``<unit>-<passage id>`` a passage or note paragraph, so ``getty.pdf#ch07-p14``
is the passage at ``texts/getty/ch07.html#p14``.
"""
