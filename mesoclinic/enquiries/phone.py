"""Phone numbers as people type them, to E.164 (``+447700900123``)."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "GB"


class NotAPhoneNumber(ValueError):
    pass


def phone_to_e164(typed: str, *, region: str = DEFAULT_REGION) -> str:
    """``typed`` as E.164; a number without a country code is read as a UK one.

    ``NotAPhoneNumber`` for text that is no possible number ("12ab", "0770", a UK number of
    the wrong length), so the form can name the value.
    """
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException as error:
        raise NotAPhoneNumber(str(error)) from error
    # "Possible" (the right length for its country), not "valid" (in an allocated range): the
    # ranges change faster than the library, and Ofcom's drama numbers (07700 900xxx), which
    # demos and tests use, are in no allocated range.
    # Local-only lengths (a number dialled without its area code) are not enough to call back.
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise NotAPhoneNumber("not a possible number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_shown(e164: str) -> str:
    """An E.164 number as reception reads it out: national format for UK numbers."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    # By country code: a number in no allocated range has no region, but is still read out.
    if number.country_code == phonenumbers.country_code_for_region(DEFAULT_REGION):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
