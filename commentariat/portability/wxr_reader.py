"""Reading a WordPress export (WXR 1.0–1.2) as a stream of plain records.

lxml's iterparse hands over one <item> at a time, and each is cleared once read, so memory
stays flat whatever the size of the file.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from .backup_extension import SITE_TAG, BackupSite, PostBackup, read_post, read_site

WXR_VERSIONS = ("1.0", "1.1", "1.2")
# WordPress writes http://; WordPress.com writes https://, and WordPress's importer takes both.
WP_NAMESPACES = [
    f"{scheme}://wordpress.org/export/{version}/" for version in WXR_VERSIONS for scheme in ("http", "https")
]
EXCERPT_NAMESPACES = frozenset(f"{namespace}excerpt/" for namespace in WP_NAMESPACES)
CONTENT_TAGS = (
    "{http://purl.org/rss/1.0/modules/content/}encoded",
    "{https://purl.org/rss/1.0/modules/content/}encoded",
)
DC_CREATORS = ("{http://purl.org/dc/elements/1.1/}creator", "{https://purl.org/dc/elements/1.1/}creator")
_WP_NAMESPACE_SET = frozenset(WP_NAMESPACES)


@dataclass
class WxrSite:
    base_url: str


@dataclass
class WxrAuthor:
    id: str
    login: str
    email: str
    display_name: str
    first_name: str
    last_name: str


@dataclass
class WxrTerm:
    kind: str  # "category" or "tag"
    id: str
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass(slots=True)  # one per comment: hundreds of thousands
class WxrComment:
    id: str
    author: str
    author_email: str
    author_url: str
    author_ip: str
    date: str
    date_gmt: str
    content: str
    approved: str  # "1", "0", "spam", "trash", "post-trashed"
    type: str  # "", "comment", "pingback", "trackback"
    parent: str
    user_id: str
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class WxrItem:
    line: int
    title: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    post_id: str
    post_date: str
    post_date_gmt: str
    comment_status: str
    post_password: str
    post_name: str
    status: str
    post_type: str
    terms: list[tuple[str, str, str]]  # (domain, nicename, name)
    meta: dict[str, str]
    comments: list[WxrComment]
    pub_date: str = ""  # RSS's pubDate (RFC 2822), WordPress's post_date_gmt written again
    post_parent: str = ""  # "0" or empty: none
    is_sticky: bool = False
    backup: PostBackup | None = None  # our own export's extension (backup_extension.py)


def _names(local: str) -> list[str]:
    return [f"{{{ns}}}{local}" for ns in WP_NAMESPACES]


_SITE_TAGS = set(_names("base_site_url"))
_AUTHOR_TAGS = set(_names("author"))
_CATEGORY_TAGS = set(_names("category"))
_TAG_TAGS = set(_names("tag"))
_WANTED = ["item", *_SITE_TAGS, *_AUTHOR_TAGS, *_CATEGORY_TAGS, *_TAG_TAGS, SITE_TAG]


def read_wxr(source) -> Iterator[WxrSite | WxrAuthor | WxrTerm | WxrItem | BackupSite]:
    """Records in file order; raises lxml.etree.XMLSyntaxError (with its line) on a broken file.

    source: a path or a binary file object. Entities are not resolved and nothing is fetched
    from the network, whatever the file asks for.
    """
    events = etree.iterparse(
        source,
        events=("end",),
        tag=_WANTED,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
    )
    for _, element in events:
        tag = element.tag
        if tag == "item":
            yield _item(element)
            # Drop the item and everything before it: the tree never grows.
            element.clear()
            parent = element.getparent()
            while element.getprevious() is not None:
                del parent[0]
        elif tag == SITE_TAG:
            yield read_site(element)
        elif tag in _SITE_TAGS:
            yield WxrSite(base_url=(element.text or "").strip())
        elif tag in _AUTHOR_TAGS:
            wp = _wp(element)
            yield WxrAuthor(
                id=wp("author_id"),
                login=wp("author_login"),
                email=wp("author_email"),
                display_name=wp("author_display_name"),
                first_name=wp("author_first_name"),
                last_name=wp("author_last_name"),
            )
        elif tag in _CATEGORY_TAGS:
            wp = _wp(element)
            yield WxrTerm(
                kind="category",
                id=wp("term_id"),
                slug=wp("category_nicename"),
                name=wp("cat_name"),
                parent_slug=wp("category_parent"),
                description=wp("category_description"),
            )
        elif tag in _TAG_TAGS:
            wp = _wp(element)
            yield WxrTerm(kind="tag", id=wp("term_id"), slug=wp("tag_slug"), name=wp("tag_name"))


def _wp(element):
    """A reader of the element's wp: children, whichever WXR version named them."""
    namespace = element.tag[1:].split("}")[0]

    def text(local: str) -> str:
        child = element.find(f"{{{namespace}}}{local}")
        return (child.text or "").strip() if child is not None else ""

    return text


def _text(element, tag: str, *, strip: bool = True) -> str:
    child = element.find(tag)
    if child is None or child.text is None:
        return ""
    return child.text.strip() if strip else child.text


def _item(element) -> WxrItem:
    namespace = _item_namespace(element)
    wp = f"{{{namespace}}}"
    excerpt = next(
        (c.text or "" for c in element if isinstance(c.tag, str) and c.tag.endswith("}encoded")
         and c.tag[1:].split("}")[0] in EXCERPT_NAMESPACES),
        "",
    )  # fmt: skip
    return WxrItem(
        line=element.sourceline or 0,
        title=_text(element, "title"),
        link=_text(element, "link"),
        guid=_text(element, "guid"),
        creator=_first_text(element, DC_CREATORS),
        content=_first_text(element, CONTENT_TAGS, strip=False),
        excerpt=excerpt.strip(),
        post_id=_text(element, f"{wp}post_id"),
        post_date=_text(element, f"{wp}post_date"),
        post_date_gmt=_text(element, f"{wp}post_date_gmt"),
        comment_status=_text(element, f"{wp}comment_status"),
        post_password=_text(element, f"{wp}post_password", strip=False),
        post_name=_text(element, f"{wp}post_name"),
        status=_text(element, f"{wp}status"),
        post_type=_text(element, f"{wp}post_type"),
        terms=[
            (term.get("domain", ""), term.get("nicename", ""), (term.text or "").strip())
            for term in element.iterfind("category")
        ],
        meta=_meta(element, f"{wp}postmeta", wp),
        comments=[_comment(comment, wp) for comment in element.iterfind(f"{wp}comment")],
        pub_date=_text(element, "pubDate"),
        post_parent=_text(element, f"{wp}post_parent"),
        is_sticky=_text(element, f"{wp}is_sticky") == "1",
        backup=read_post(element),
    )


def _first_text(element, tags: tuple[str, ...], *, strip: bool = True) -> str:
    for tag in tags:
        if element.find(tag) is not None:
            return _text(element, tag, strip=strip)
    return ""


def _item_namespace(element) -> str:
    for child in element:
        if isinstance(child.tag, str) and child.tag.startswith("{"):
            namespace = child.tag[1:].split("}")[0]
            if namespace in _WP_NAMESPACE_SET:
                return namespace
    return WP_NAMESPACES[-1]


def _meta(element, tag: str, wp: str) -> dict[str, str]:
    meta = {}
    for entry in element.iterfind(tag):
        key = _text(entry, f"{wp}meta_key")
        if key:
            meta[key] = _text(entry, f"{wp}meta_value", strip=False)
    return meta


def _comment(element, wp: str) -> WxrComment:
    # One pass over the children (a comment has a dozen; there can be hundreds of thousands).
    values = {}
    meta = {}
    meta_tag, skip = f"{wp}commentmeta", len(wp)
    for child in element:
        tag = child.tag
        if tag == meta_tag:
            key = _text(child, f"{wp}meta_key")
            if key:
                meta[key] = _text(child, f"{wp}meta_value", strip=False)
        elif isinstance(tag, str):
            values[tag[skip:]] = child.text or ""
    get = values.get
    return WxrComment(
        get("comment_id", "").strip(),
        get("comment_author", "").strip(),
        get("comment_author_email", "").strip(),
        get("comment_author_url", "").strip(),
        get("comment_author_IP", "").strip(),
        get("comment_date", "").strip(),
        get("comment_date_gmt", "").strip(),
        get("comment_content", ""),
        get("comment_approved", "").strip(),
        get("comment_type", "").strip(),
        get("comment_parent", "").strip(),
        get("comment_user_id", "").strip(),
        meta,
    )
