"""Back-office screens for divisions, programme sites and addresses."""

from django.contrib import admin
from django.http import HttpRequest

from xiangcun.regions.models import Address, County, Division, Station, Township, Village


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin[Division]):
    """Mainland China's divisions: reference data from regions/data/divisions.csv, refreshed by
    `xiangcun divisions-load`, so the back office reads them and changes none."""

    list_display = ("code", "name", "name_en", "level", "parent")
    list_filter = ("level",)
    list_select_related = ("parent",)
    search_fields = ("code", "name", "name_en")
    readonly_fields = ("code", "name", "name_en", "level", "parent")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Division | None = None) -> bool:
        return False


@admin.register(County)
class CountyAdmin(admin.ModelAdmin[County]):
    list_display = ("code", "name", "name_en", "province", "city", "coordinates_approximate")
    search_fields = ("code", "name", "name_en")


class VillageInline(admin.TabularInline[Village, Township]):
    model = Village
    fields = ("code", "name", "name_en", "is_sample")
    extra = 0
    show_change_link = True


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin[Township]):
    list_display = ("code", "name", "name_en", "kind", "county", "coordinates_approximate")
    list_filter = ("kind", "county")
    list_select_related = ("county",)
    search_fields = ("code", "name", "name_en")
    inlines = (VillageInline,)


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin[Village]):
    list_display = ("code", "name", "name_en", "township", "is_sample", "coordinates_approximate")
    list_filter = ("township", "is_sample")
    list_select_related = ("township",)
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ("township",)


@admin.register(Station)
class StationAdmin(admin.ModelAdmin[Station]):
    list_display = ("code", "name", "kind", "township", "village", "phone", "is_active")
    list_filter = ("kind", "is_active", "township")
    list_select_related = ("township", "village")
    search_fields = ("code", "name", "name_en", "address_detail")
    autocomplete_fields = ("township", "village")


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin[Address]):
    list_display = ("id", "recipient", "county", "township_name", "village_name", "detail")
    list_filter = ("township",)
    # Recipients' phones are personal data: searchable by staff, but not shown in the list.
    search_fields = ("recipient", "phone", "detail")
    autocomplete_fields = ("township", "village")
    readonly_fields = ("created_at", "updated_at")
