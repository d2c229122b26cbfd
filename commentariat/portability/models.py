from django.db import models


class ImportedItem(models.Model):
    """What an import made of one item of another system, keyed by that system's id.

    Importing the same file again finds its items here and changes nothing; a newer export
    of the same site adds what is new and updates what changed (the fingerprint differs).
    """

    class Kind(models.TextChoices):
        POST = "post", "Post or page"
        COMMENT = "comment", "Comment"
        AUTHOR = "author", "Author"
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag"

    # "wordpress https://old.example.org" or "disqus forum-name": ids are unique within one source.
    source = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind)
    legacy_id = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    # A hash of the fields the import wrote, to tell "unchanged" from "updated" cheaply.
    fingerprint = models.CharField(max_length=32, blank=True)
    # A status the old system had and Commentariat has no word for ("private", "trash"), kept
    # so that an export can give it back.
    legacy_status = models.CharField(max_length=20, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "legacy_id"], name="imported_item_unique")
        ]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self):
        return f"{self.source} {self.kind} {self.legacy_id} → {self.object_id}"
