"""`xiangcun search_reindex`: rebuild the product search index from the catalogue.

Run after a restore, after changing how terms are made (catalog/search/text.py), or when an
index update failed after a commit (the services log that). Listed products are indexed,
every other product is taken out.
"""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from xiangcun.catalog.models import Product
from xiangcun.catalog.search.interface import reindex_all, search_backend


class Command(BaseCommand):
    help = "Rebuild the product search index (listed products in, all others out)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Empty the index first (search is empty meanwhile).",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["clear"]:
            search_backend().clear()
        total = Product.objects.count()
        stream = options.get("stderr") or sys.stderr
        with tqdm(
            total=total, desc=_("Indexing products"), unit=_("product"), file=stream,
            disable=options["quiet"],
        ) as progress:  # fmt: skip
            done = reindex_all(batch_size=options["batch_size"], progress=progress.update)
        if not options["quiet"]:
            self.stdout.write(
                self.style.SUCCESS(_("Indexed %(count)d products.") % {"count": done})
            )
