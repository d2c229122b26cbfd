"""A reader's search box text, understood the same way on both databases.

Words must all appear (in any order); "a quoted phrase" must appear as written; a word ending
in * matches every word that starts with it. Anything else the reader typed (operators,
brackets, stray quotes, 10,000 characters) is taken as words or ignored, never as syntax.
"""

import re
from dataclasses import dataclass

MAX_TERMS = 12
MAX_TERM_LENGTH = 60
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or the words of a phrase
    prefix: bool = False  # the last word is a prefix


def parse_query(text: str) -> list[Term]:
    terms: list[Term] = []
    for phrase, bare in _TOKEN.findall(text[:2000]):
        if phrase:
            words = tuple(w[:MAX_TERM_LENGTH] for w in _WORD.findall(phrase))
            if words:
                terms.append(Term(words))
        else:
            prefix = bare.endswith("*")
            words = [w[:MAX_TERM_LENGTH] for w in _WORD.findall(bare)]
            # "rent-control" is a phrase of two words; "rent*" a prefix.
            if len(words) == 1:
                terms.append(Term((words[0],), prefix=prefix and len(words[0]) >= 2))
            elif words:
                terms.append(Term(tuple(words), prefix=prefix and len(words[-1]) >= 2))
        if len(terms) >= MAX_TERMS:
            break
    return terms


def fts5_query(terms: list[Term]) -> str:
    """SQLite FTS5 MATCH syntax: every word quoted, so nothing the reader typed is an operator."""
    parts = []
    for term in terms:
        quoted = '"' + " ".join(w.replace('"', "") for w in term.words) + '"'
        parts.append(quoted + ("*" if term.prefix else ""))
    return " ".join(parts)


def tsquery_parts(terms: list[Term]) -> list[tuple[str, str]]:
    """PostgreSQL: (function, argument) pairs, joined with && by the engine."""
    parts = []
    for term in terms:
        if term.prefix:
            lexemes = [re.sub(r"[^\w]", "", w) for w in term.words]
            lexemes = [w for w in lexemes if w]
            if lexemes:
                *rest, last = lexemes
                parts.append(("to_tsquery", " <-> ".join([*rest, f"{last}:*"])))
        elif len(term.words) > 1:
            parts.append(("phraseto_tsquery", " ".join(term.words)))
        else:
            parts.append(("plainto_tsquery", term.words[0]))
    return parts
