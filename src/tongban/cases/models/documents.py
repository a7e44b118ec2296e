"""Documents with versions and content hashes: an applicant's material library (CASE-5).

A document belongs to the person (or enterprise, through the grant) who
submitted it and outlives any one case: a later application reuses it instead of
asking again. A corrected material is a new version; old versions are kept.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    """One material the applicant owns, across its versions."""

    owner = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="documents")
    enterprise = models.ForeignKey(
        "identity.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(_("材料名称"), max_length=200)
    material_name = models.CharField(_("对应指南材料名称"), max_length=200, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("材料")
        verbose_name_plural = _("材料")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def current_version(self) -> DocumentVersion | None:
        return self.versions.order_by("-number").first()


class DocumentVersion(models.Model):
    """An immutable file version of a document, identified by its SHA-256."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to="materials/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="cases_document_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"
