"""Names as the offline search compares them: case and accents folded.

Stored with each replica row (`ReplicaTicket.folded_name`, written by the
sync) so the search is a plain `LIKE` on both SQLite and PostgreSQL:
folding in SQL costs a scan several times slower (docs/venue-mode.md).
"""

import unicodedata


def fold(text: str) -> str:
    """ "Émile Zoë STRAẞE" -> "emile zoe strasse": compatibility-decomposed, combining marks dropped, casefolded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
