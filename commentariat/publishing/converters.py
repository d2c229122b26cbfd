"""The address of a page under other pages: its ancestors' slugs, outermost first."""

import re

from commentariat.core.converters import UnicodeSlugConverter

from .models import RESERVED_PAGE_SLUGS


class PagePathConverter(UnicodeSlugConverter):
    """ "about/team": never starting with a segment the site owns (/api/x/ stays the API's 404)."""

    regex = r"(?!(?:{})/)[-\w]+(?:/[-\w]+)*".format("|".join(sorted(map(re.escape, RESERVED_PAGE_SLUGS))))
