"""A set of knowledge-base records of the three kinds, as read from files or written to them."""

from __future__ import annotations

from dataclasses import dataclass, field

PROCEDURE = "procedure"
DOCUMENT = "document"
FAQ = "faq"
KINDS = (DOCUMENT, PROCEDURE, FAQ)  # the order records are written in (references point left)

# Field order of each kind, exactly as in docs/kb-format.md.
PROCEDURE_FIELDS = (
    "id",
    "code",
    "name",
    "aliases",
    "keywords",
    "field",
    "level",
    "agency",
    "summary",
    "applicants",
    "conditions",
    "submission",
    "online_level",
    "portal_url",
    "steps",
    "documents",
    "result",
    "legal_basis",
    "published_by",
    "local_variant",
    "interconnected_group",
    "members",
    "effective_from",
    "effective_to",
    "status",
    "source",
    "reviewed_at",
    "needs_review",
)
DOCUMENT_FIELDS = (
    "id",
    "name",
    "aliases",
    "what",
    "issuer",
    "how_to_get",
    "template",
    "replaced_by",
    "source",
    "reviewed_at",
    "needs_review",
)
FAQ_FIELDS = (
    "id",
    "question",
    "phrasings",
    "answer",
    "related_procedures",
    "status",
    "source",
    "reviewed_at",
    "needs_review",
)
FIELDS = {PROCEDURE: PROCEDURE_FIELDS, DOCUMENT: DOCUMENT_FIELDS, FAQ: FAQ_FIELDS}
PLURAL = {PROCEDURE: "procedures", DOCUMENT: "documents", FAQ: "faqs"}


@dataclass
class Bundle:
    """Records grouped by kind; each record is a plain dict in the file shape."""

    procedures: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)
    faqs: list[dict] = field(default_factory=list)
    # Where each record came from, for error messages: (kind, index) -> "faqs/x.yml", "row 7".
    locations: dict[tuple[str, int], str] = field(default_factory=dict)

    def add(self, kind: str, record: dict, location: str | None = None) -> None:
        """Append a record of ``kind``, remembering where it came from."""
        records = self.of(kind)
        if location:
            self.locations[(kind, len(records))] = location
        records.append(record)

    def of(self, kind: str) -> list[dict]:
        """The records of one kind (``procedure``, ``document`` or ``faq``)."""
        return getattr(self, PLURAL[kind])

    def __len__(self) -> int:
        return len(self.procedures) + len(self.documents) + len(self.faqs)

    def counts(self) -> dict[str, int]:
        """Number of records per plural kind name, for messages."""
        return {PLURAL[kind]: len(self.of(kind)) for kind in KINDS}
