"""Password rules, in Chinese: Django 5.2's length message changed its wording and its Chinese catalogue has not
caught up, so it would come out in English."""

from django.contrib.auth.password_validation import MinimumLengthValidator


class LengthValidator(MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短，至少需要{self.min_length}个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要{self.min_length}个字符。"
