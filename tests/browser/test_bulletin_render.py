"""The bulletin's .docx as a reader sees it, without a browser: LibreOffice turns it into a PDF, poppler into a PNG
of the first page, and the picture must show a red masthead and Chinese text drawn in a CJK font (not tofu).

Runs in CI's browser step, which installs the Debian packages when they are missing; a missing tool fails the
test naming its package, never skips it. No database, no live server.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from shuangbai.bulletins.docx import render_docx
from tests.bulletins.test_docx import sample_document

PACKAGES = {
    "soffice": "libreoffice-writer-nogui",
    "pdftoppm": "poppler-utils",
    "pdffonts": "poppler-utils",
    "pdftotext": "poppler-utils",
}
TIMEOUT_S = (
    180  # LibreOffice's first start with a fresh profile takes a few seconds; a hang must not stall CI
)


def run(name: str, *arguments: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"{name} not found: install the Debian package {PACKAGES[name]} "
            f"(apt-get install {PACKAGES[name]}; .ci/run does it in the browser step)",
            pytrace=False,
        )
    try:
        done = subprocess.run(
            [path, *arguments], capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name} did not finish within {TIMEOUT_S} s", pytrace=False)
    assert done.returncode == 0, f"{name} exited {done.returncode}: {done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bulletin")
    media = folder / "media"
    source = folder / "bulletin.docx"
    source.write_bytes(render_docx(sample_document(media), media_root=media))
    # A private profile: parallel runs (and a user's own LibreOffice) do not share a lock.
    profile = (folder / "libreoffice-profile").as_uri()
    run("soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
        "--outdir", str(folder), str(source))  # fmt: skip
    pdf = folder / "bulletin.pdf"
    assert pdf.is_file(), "LibreOffice wrote no PDF"
    return pdf


@pytest.fixture(scope="module")
def first_page(pdf: Path) -> Image.Image:
    run(
        "pdftoppm",
        "-png",
        "-r",
        "60",
        "-f",
        "1",
        "-l",
        "1",
        "-singlefile",
        str(pdf),
        str(pdf.with_suffix("")),
    )
    with Image.open(pdf.with_suffix(".png")) as image:
        return image.convert("RGB")


def count(image: Image.Image, box: tuple[int, int, int, int], test) -> int:
    data = image.crop(box).tobytes()  # RGB, a byte a channel
    return sum(1 for pixel in zip(data[0::3], data[1::3], data[2::3], strict=True) if test(*pixel))


def strongly_red(r: int, g: int, b: int) -> bool:
    return r > 180 and g < 90 and b < 90


def dark(r: int, g: int, b: int) -> bool:
    return r + g + b < 200


def test_the_first_page_has_a_red_masthead_on_top_and_text_below(first_page):
    width, height = first_page.size
    assert 480 <= width <= 500 and 690 <= height <= 710, "not an A4 page at 60 dpi"
    band = int(height * 0.3)
    red_top = count(first_page, (0, 0, width, band), strongly_red)
    red_below = count(first_page, (0, band, width, height), strongly_red)
    assert red_top > 500, f"only {red_top} red pixels in the top 30%: no red masthead"
    assert red_below < red_top / 10
    text_below = count(first_page, (0, band, width, height), dark)
    assert text_below > 2000, f"only {text_below} dark pixels under the masthead: no body text"


def test_chinese_is_drawn_in_an_embedded_cjk_font(pdf):
    fonts = run("pdffonts", str(pdf))
    cjk = [line for line in fonts.splitlines() if re.search(r"CJK", line)]
    assert cjk, f"no CJK font in the PDF (install the Debian package fonts-noto-cjk):\n{fonts}"
    assert all(" yes " in line for line in cjk), f"a CJK font is not embedded:\n{fonts}"


def test_the_first_page_reads_the_name_and_the_first_title(pdf):
    text = "".join(run("pdftotext", "-f", "1", "-l", "1", str(pdf), "-").split())
    assert "云浮市“双百工程”工作简报" in text
    assert "2023年第2期" in text
    assert "●市级动态" in text
    assert "市民政局到新兴县调研“双百工程”整体工作推进情况" in text
