from datetime import date


def age_on(birth_date: date, day: date) -> int:
    """Whole years from birth_date to day."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def day_label(day: date) -> str:
    """A day as the UI writes it (2023年2月7日), for text built outside a template."""
    return f"{day.year}年{day.month}月{day.day}日"
