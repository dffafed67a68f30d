"""Errors the catalog raises, each with a stable code API clients can branch on."""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)


class ProductNotFoundError(NotFoundError):
    code = "product_not_found"
    default_message = _("This product does not exist.")


class VariantNotFoundError(NotFoundError):
    code = "variant_not_found"
    default_message = _("This product option does not exist.")


class BrandNotFoundError(NotFoundError):
    code = "brand_not_found"
    default_message = _("This brand does not exist.")


class CategoryNotFoundError(NotFoundError):
    code = "category_not_found"
    default_message = _("This category does not exist.")


class SynonymNotFoundError(NotFoundError):
    code = "synonym_not_found"
    default_message = _("This search synonym does not exist.")


class DuplicateSynonymError(ConflictError):
    code = "duplicate_synonym"
    default_message = _("There is already a search synonym for this word.")


class ProductPermissionDeniedError(PermissionDeniedError):
    # Keeps the generic `permission_denied` code: clients treat every refusal alike.
    default_message = _("You cannot change this product: it belongs to another shop.")


class CatalogStaffOnlyError(PermissionDeniedError):
    default_message = _("Only programme staff can do this.")


class InvalidProductStatusError(ConflictError):
    code = "invalid_status_transition"
    default_message = _("The product cannot be moved to that status from its current one.")


class ProductHasNoActiveVariantError(ConflictError):
    code = "no_active_variant"
    default_message = _("Add at least one option with a price before submitting the product.")


class LastActiveVariantError(ConflictError):
    code = "last_active_variant"
    default_message = _(
        "A product on sale needs at least one option on sale. Delist the product first."
    )


class SellerNotApprovedError(ConflictError):
    code = "seller_not_approved"
    default_message = _("The shop must be approved before its products can be listed.")


class ReviewNoteRequiredError(InvalidInputError):
    code = "review_note_required"
    default_message = _("Say why the product is rejected, so the seller can fix it.")


class DuplicateSkuError(ConflictError):
    code = "duplicate_sku"
    default_message = _("Another product option already uses this SKU.")


class DuplicateSlugError(ConflictError):
    code = "duplicate_slug"
    default_message = _("This short name (slug) is already taken.")


class InvalidPriceError(InvalidInputError):
    code = "invalid_price"
    default_message = _("Enter a price in yuan above 0, with at most two decimal places.")


class InvalidUnitError(InvalidInputError):
    code = "invalid_unit"
    default_message = _("Choose a unit from the list.")


class InvalidDirectionError(InvalidInputError):
    code = "invalid_direction"
    default_message = _("Choose whether the goods go out to the cities or into the villages.")


class InvalidFieldError(InvalidInputError):
    code = "invalid_field"
    default_message = _("This detail cannot be changed here.")


class RequiredFieldError(InvalidInputError):
    code = "required"
    default_message = _("Fill in this field.")


class TextTooLongError(InvalidInputError):
    code = "text_too_long"
    default_message = _("This text is too long.")


class InvalidSlugError(InvalidInputError):
    code = "invalid_slug"
    default_message = _("Use only lower-case letters, digits and dashes for the short name.")


class InvalidColdChainError(InvalidInputError):
    code = "cold_chain_only_fresh"
    default_message = _("Only fresh food can need the cold chain.")


class TrainingRequiredError(ConflictError):
    # The fresh-food policy (training.selectors.food_safety_certified).
    code = "training_required"
    default_message = _(
        "Fresh food can be listed only after the shop owner has completed the food-safety "
        "traceability course (see Training)."
    )


class InvalidCertificationError(InvalidInputError):
    code = "invalid_certification"
    default_message = _(
        "A certificate belongs to either a brand or a product, and ends after it starts."
    )


class InvalidCertificationKindError(InvalidInputError):
    code = "invalid_certification_kind"
    default_message = _("Choose a kind of certificate from the list.")


class InvalidImageError(InvalidInputError):
    code = "invalid_image"
    default_message = _("Upload a JPEG, PNG or WebP photo.")


class ImageTooLargeError(InvalidInputError):
    code = "image_too_large"
    default_message = _("The photo is too large: at most 8 MB and 6000 pixels on a side.")


class InvalidSortError(InvalidInputError):
    code = "invalid_sort"
    default_message = _("Sort by relevance, price, -price or new.")


class InvalidPriceRangeError(InvalidInputError):
    code = "invalid_price_range"
    default_message = _("The lowest price must not be above the highest price.")


class InvalidPageError(InvalidInputError):
    code = "invalid_page"
    default_message = _("Page numbers start at 1.")


class DemoSellersMissingError(ConflictError):
    code = "demo_sellers_missing"
    default_message = _("Load the demo sellers first: the catalogue needs shops to sell from.")


class CertificationNotFoundError(NotFoundError):
    code = "certification_not_found"
    default_message = _("There is no such certificate.")


class CertificationProductsError(InvalidInputError):
    code = "certification_products"
    default_message = _(
        "Choose at least one product, and only products of this shop or of this brand."
    )


class CertificationAlreadyCheckedError(ConflictError):
    code = "certification_already_checked"
    default_message = _("This certificate has already been checked.")
