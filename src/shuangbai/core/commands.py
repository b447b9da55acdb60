"""What the project's management commands share."""

from pathlib import Path

from django.core.management.base import CommandError

from .models import User


def user_named(username: str) -> User:
    """The active account a command acts as (--as USERNAME), or a Chinese CommandError."""
    user = User.objects.filter(username=username, is_active=True).select_related("scope_region").first()
    if user is None:
        raise CommandError(f"找不到用户“{username}”（或该用户已停用）。")
    return user


def write_file(path: str, data: bytes) -> Path:
    """Write an output file (-o, --errors), making its folder when it does not exist yet."""
    target = Path(path)
    if target.is_dir():
        raise CommandError(f"“{path}”是一个文件夹，请给出文件名，如 {target / '输出.xlsx'}。")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as error:
        raise CommandError(f"无法写入“{path}”：{error.strerror}。") from None
    return target


def one_output(output: str | None, as_json: bool) -> None:
    if output and as_json:
        raise CommandError("-o（写入 Excel 文件）与 --json（在终端输出）只能选用一个。")
