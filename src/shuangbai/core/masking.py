def mask_phone(phone: str) -> str:
    """138****5678: the first 3 and last 4 digits stay, as lists and exports show phone numbers."""
    phone = (phone or "").strip()
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
