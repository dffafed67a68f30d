"""Mobile numbers and ID card numbers: what is accepted, how it is kept."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.regions.factories import VillageFactory
from xiangcun.accounts.errors import IdNumberTakenError, InvalidIdNumberError, InvalidPhoneError
from xiangcun.accounts.idcards import (
    id_number_check_character,
    id_number_mask,
    id_number_normalize,
)
from xiangcun.accounts.models import ResidentProfile
from xiangcun.accounts.selectors import resident_by_id_number
from xiangcun.accounts.services import resident_register
from xiangcun.core.validators import mobile_normalize


def _full_width(digits: str) -> str:
    """The full-width digits Chinese input methods type in full-width mode."""
    return "".join(chr(ord(digit) + 0xFEE0) for digit in digits)


# Check characters worked out by hand with the GB 11643 weights: the standard's own example,
# then one number for each of the eleven check characters.
VALID_ID_NUMBERS = [
    "11010519491231002X",
    "52263619780615109X",
    "522636198808081050",
    "522636198808081181",
    "522636198808081042",
    "522636198808081093",
    "522636198808081034",
    "522636198808081085",
    "522636198808081026",
    "522636198808081077",
    "522636198808081018",
    "522636198808081069",
    "52263619880808100X",
]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13912340001", "13912340001"),
        ("+86 139 1234 0001", "13912340001"),
        ("0086-139-1234-0001", "13912340001"),
        (_full_width("139123400") + "01", "13912340001"),
        (" 199 1234 5678 ", "19912345678"),
    ],
)
def test_mobile_numbers_are_accepted_as_people_type_them(raw: str, expected: str) -> None:
    assert mobile_normalize(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "1391234000", "139123400011", "12912340001", "23912340001", "abc", "+1 1391234001"]
)
def test_other_numbers_are_not_mobile_numbers(raw: str) -> None:
    with pytest.raises(InvalidPhoneError) as caught:
        mobile_normalize(raw)
    assert caught.value.code == "invalid_phone"


@pytest.mark.parametrize("number", VALID_ID_NUMBERS)
def test_valid_id_numbers_are_accepted(number: str) -> None:
    assert id_number_normalize(number) == number


def test_lower_case_x_is_made_upper_case() -> None:
    assert id_number_normalize("52263619780615109x") == "52263619780615109X"


@pytest.mark.parametrize(
    "number",
    [
        "522636198808081051",  # wrong check character
        "522636198808081180",  # wrong check character
        "522636198502300020",  # 30 February
        "522636209901010010",  # born in the future
        "52263619850312002",  # 17 characters
        "52263619850312002Y",  # not a digit or X
    ],
)
def test_invalid_id_numbers_are_refused(number: str) -> None:
    with pytest.raises(InvalidIdNumberError) as caught:
        id_number_normalize(number)
    assert caught.value.code == "invalid_id_number"


def test_mask_shows_first_three_and_last_four_only() -> None:
    assert id_number_mask("52263619780615109X") == "522***********109X"


_first_17 = st.builds(
    lambda region, birth, sequence: f"{region}{birth:%Y%m%d}{sequence:03d}",
    st.integers(100000, 999999),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)),
    st.integers(0, 999),
)


@given(first_17=_first_17, position=st.integers(0, 16), shift=st.integers(1, 9))
def test_check_character_accepts_the_number_and_catches_any_single_digit_change(
    first_17: str, position: int, shift: int
) -> None:
    number = first_17 + id_number_check_character(first_17)
    assert id_number_normalize(number) == number

    changed_digit = str((int(first_17[position]) + shift) % 10)
    changed = first_17[:position] + changed_digit + first_17[position + 1 :] + number[17]
    with pytest.raises(InvalidIdNumberError):
        id_number_normalize(changed)


@pytest.mark.django_db
def test_id_number_is_never_stored_in_clear() -> None:
    village = VillageFactory()
    resident = resident_register(
        name="杨秀英", village_id=village.pk, id_number="52263619780615109x"
    )

    row = ResidentProfile.objects.filter(pk=resident.pk).values().get()
    assert not any("52263619780615109" in str(value) for value in row.values())
    assert row["id_number_masked"] == "522***********109X"
    assert len(row["id_number_hash"]) == 64
    assert resident_by_id_number(id_number="52263619780615109X") == resident


@pytest.mark.django_db
def test_second_resident_with_the_same_id_number_is_refused() -> None:
    village = VillageFactory()
    resident_register(name="杨秀英", village_id=village.pk, id_number=VALID_ID_NUMBERS[1])

    with pytest.raises(IdNumberTakenError) as caught:
        resident_register(name="杨秀", village_id=village.pk, id_number=VALID_ID_NUMBERS[1].lower())
    assert caught.value.code == "id_number_taken"
    assert ResidentProfile.objects.count() == 1
