from django import template

from shuangbai.bulletins.content import Table
from shuangbai.bulletins.docx import HtmlCell, table_html_rows

register = template.Library()


@register.filter
def html_rows(table: Table) -> list[list[HtmlCell]]:
    """`{% with rows=table|html_rows %}`: the table's rows with rowspan/colspan, covered cells left out."""
    return table_html_rows(table)
