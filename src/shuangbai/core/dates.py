from datetime import date


def age_on(birth_date: date, day: date) -> int:
    """Whole years from birth_date to day."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
