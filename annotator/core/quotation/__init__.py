"""Quote attribution for news text: quoted words, who said them, and the speaker's mention.

Pure functions over a document's text (offsets are code points, end exclusive). The entry
point is `detect_quotations`; `find_quotations` only finds the quoted stretches.
"""

from annotator.core.quotation.detector import Attribution, Mention, detect_quotations
from annotator.core.quotation.marks import Quotation, find_quotations

__all__ = ["Attribution", "Mention", "Quotation", "detect_quotations", "find_quotations"]
