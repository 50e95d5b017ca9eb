"""Hostile and broken inputs: each is refused or read with a reason stated, nothing is executed,
nothing hangs, and `add` copies (never links) what it is given or refuses it with a message."""
from __future__ import annotations

import io
import os
import struct
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from fuzz.cli import SEEDS, cli, make_project
from helpers_docs import PLAN_PATHS, PLAN_TEXT, drawing_pdf, plan_docx, style_numbered_docx, text_pdf

from analysis import config, readers
from analysis.ingest import parse_bytes, parse_file
from analysis.raw_store import AddError, add, safe_name
from analysis.readers import docx as docx_reader
from analysis.readers import pdf as pdf_reader

SEED = SEEDS[0].read_bytes()


def failed_because(doc, *words: str) -> str:
    """The document failed and its one warning says why, in these words."""
    assert doc.failed and not doc.tasks, doc.warnings
    reason = doc.warnings[0]
    assert reason.startswith("unreadable: "), reason
    for word in words:
        assert word in reason, reason
    return reason


@pytest.fixture
def small_limit(monkeypatch):
    """A 4 KiB size limit, wherever the limit is read."""
    monkeypatch.setattr(config, "MAX_RAW_BYTES", 4096)
    monkeypatch.setattr(readers, "MAX_RAW_BYTES", 4096)
    return 4096


# ---------------------------------------------------------------- size
def test_oversized_bytes_and_files_are_refused_before_parsing(small_limit, tmp_path):
    failed_because(parse_bytes(SEED, "big.txt"), "file too large")
    big = tmp_path / "big.txt"
    big.write_bytes(SEED)
    failed_because(parse_file(big), "file too large")
    with pytest.raises(AddError, match="too large"):
        add(big, tmp_path / "raw")
    assert not (tmp_path / "raw").exists() or not any((tmp_path / "raw").iterdir())


def test_oversized_file_given_to_the_add_command_exits_1_with_a_message(tmp_path):
    project = make_project(tmp_path / "project", 0)
    big = tmp_path / "big.txt"
    big.write_bytes(SEED)
    code = ("import sys, analysis.config as c; c.MAX_RAW_BYTES = 4096; from analysis.__main__ import main; "
            "sys.argv = ['analysis', 'add', sys.argv[1]]; main()")
    import subprocess

    out = subprocess.run([sys.executable, "-c", code, str(big)], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "ANALYSIS_ROOT": str(project)})
    assert out.returncode == 1 and "too large" in out.stderr
    assert not any((project / "data" / "raw").iterdir())


# ---------------------------------------------------------------- .docx
def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _declare_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite a member's uncompressed size in the central directory (what a zip bomb lies about)."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", out, pos + 28)[0]
        if out[pos + 46: pos + 46 + name_len] == member.encode():
            struct.pack_into("<I", out, pos + 24, size)
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def test_docx_zip_bomb_that_really_unpacks_to_a_lot_is_refused(monkeypatch):
    monkeypatch.setattr(docx_reader, "MAX_UNZIPPED", 2**20)
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>" + b"\0" * (3 * 2**20)})
    assert len(bomb) < 20_000  # 3 MiB of zeros packs into a few KiB
    failed_because(parse_bytes(bomb, "bomb.docx"), "zip bomb")


def test_docx_whose_members_declare_huge_sizes_is_refused_without_unpacking():
    real = plan_docx()
    bomb = _declare_size(real, "word/document.xml", 0xFFFFFFF0)  # 4 GiB declared
    failed_because(parse_bytes(bomb, "bomb.docx"), "zip bomb")


def test_docx_with_thousands_of_members_is_refused(monkeypatch):
    monkeypatch.setattr(docx_reader, "MAX_MEMBERS", 100)
    many = _zip({"word/document.xml": b"<w/>", **{f"junk/{k}": b"" for k in range(200)}})
    failed_because(parse_bytes(many, "many.docx"), "zip members")


@pytest.mark.parametrize(("data", "words"), [
    ("这是一份纯文本，不是压缩包。".encode(), ("not a zip",)),
    (b"PK\x03\x04" + b"\0" * 200, ("not a zip",)),
    (_zip({"word/styles.xml": b"<x/>"}), ("word/document.xml",)),
    (_zip({"word/document.xml": b"<not xml"}), ("broken .docx",)),
], ids=["text", "zip-header-only", "no-body", "bad-xml"])
def test_a_docx_that_is_not_a_word_file_fails_with_the_reason(data, words):
    failed_because(parse_bytes(data, "plan.docx"), *words)


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_docx_fails_with_the_reason(cut):
    data = plan_docx()
    failed_because(parse_bytes(data[: int(len(data) * cut)], "plan.docx"), ".docx")


def _rewrite(data: bytes, part: str, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    return _zip({i.filename: change(src.read(i)) if i.filename == part else src.read(i) for i in src.infolist()})


@pytest.mark.parametrize(("part", "old", "new"), [
    ("word/numbering.xml", b'<w:start w:val="1"/>', b'<w:start w:val="abc"/>'),
    ("word/numbering.xml", b'<w:start w:val="1"/>', b'<w:start w:val="150"/>'),
    ("word/document.xml", b'<w:ilvl w:val="1"/>', b'<w:ilvl w:val="12"/>'),
    ("word/document.xml", b'<w:ilvl w:val="1"/>', b'<w:ilvl w:val="x"/>'),
    ("word/styles.xml", b'w:styleId="Normal">', b'w:styleId="Normal"><w:basedOn w:val="Normal"/>'),
], ids=["start-not-a-number", "start-150", "level-12", "level-not-a-number", "style-based-on-itself"])
def test_malformed_word_numbering_never_crashes_or_loops(part, old, new):
    data = _rewrite(plan_docx(), part, lambda b: b.replace(old, new))
    started = time.monotonic()
    doc = parse_bytes(data, "plan.docx")
    assert time.monotonic() - started < 30
    assert not doc.failed and doc.tasks, doc.warnings


def test_word_numbering_past_99_renders_chinese_hundreds():
    assert [docx_reader.chinese_number(n) for n in (100, 105, 110, 999, 1000, -1)] == [
        "一百", "一百零五", "一百一十", "九百九十九", "1000", "-1"]
    assert not parse_bytes(style_numbered_docx(), "plan.docx").failed


# ---------------------------------------------------------------- PDF
def test_pdf_without_a_text_layer_says_it_needs_ocr():
    failed_because(parse_bytes(drawing_pdf(), "scan.pdf"), "no text layer", "OCR")


def test_encrypted_pdf_says_it_needs_a_password():
    failed_because(parse_bytes(text_pdf([PLAN_TEXT], user_password="secret"), "secret.pdf"), "encrypted", "password")


@pytest.mark.parametrize("cut", [0.02, 0.3, 0.6, 0.95, 0.999])
def test_truncated_pdf_fails_with_the_reason_or_is_read_whole(cut):
    data = text_pdf(PLAN_TEXT.splitlines())
    doc = parse_bytes(data[: int(len(data) * cut)], "cut.pdf")
    if doc.failed:
        failed_because(doc, "PDF")
    else:  # only the trailer was cut: pdfminer rebuilds the cross-reference table
        assert [t.path for t in doc.tasks] == PLAN_PATHS


@pytest.mark.parametrize("data", [b"%PDF-1.7\n" + bytes(range(256)) * 20, b"%PDF-", b"%PDF-1.4\n%%EOF\n" * 50],
                         ids=["garbage", "header-only", "eof-only"])
def test_broken_pdf_fails_with_the_reason(data):
    failed_because(parse_bytes(data, "broken.pdf"), "PDF")


def _one_page_pdf(content: bytes) -> bytes:
    """A minimal valid PDF whose one page draws `content`, Flate-compressed."""
    import zlib

    packed = zlib.compress(content, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length " + str(len(packed)).encode() + b" /Filter /FlateDecode >>\nstream\n" + packed
               + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for k, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += str(k).encode() + b" 0 obj\n" + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n" + str(xref).encode() + b"\n%%EOF\n"


def test_pdf_whose_streams_unpack_to_too_much_is_refused_as_a_bomb(monkeypatch):
    monkeypatch.setattr(pdf_reader, "MAX_INFLATED", 2**20)
    bomb = _one_page_pdf(b" " * (4 * 2**20))
    assert len(bomb) < 20_000
    failed_because(parse_bytes(bomb, "bomb.pdf"), "decompression bomb")


# An alarm landing in a garbage-collector callback (hypothesis installs one) is swallowed and reported
# as unraisable; the limit re-arms until one lands in the reader, which this test checks.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_pdf_page_too_heavy_to_read_in_time_is_given_up_with_the_reason(monkeypatch):
    monkeypatch.setattr(pdf_reader, "SECONDS_PER_STEP", 1)
    heavy = _one_page_pdf(b"BT /F1 12 Tf 72 712 Td (A) Tj ET\n" * 60_000)  # ~25 s of pdfminer for 10 KiB
    started = time.monotonic()
    failed_because(parse_bytes(heavy, "heavy.pdf"), "too slow", "page 1")
    assert time.monotonic() - started < 15


# ---------------------------------------------------------------- HTML: nothing runs, no script text leaks
HOSTILE_PAGE = """<!DOCTYPE html><html><head><title>2024年某县政务公开工作要点</title>
<meta http-equiv="refresh" content="0;url=javascript:alert('REFRESHJS')">
<script>require('fs').writeFileSync('PWNED.txt', 'x'); document.write('<p>一、INJECTEDTASK（责任单位：县财政局）</p>')</script>
<script src="javascript:alert('SRCJS')"></script><style>@import url("javascript:alert('CSSJS')"); p {color: red}</style>
</head><body onload="fetch('http://example.invalid/ONLOADJS')">
<iframe srcdoc="&lt;script&gt;alert('IFRAMEJS')&lt;/script&gt;"></iframe>
<svg onload="alert('SVGJS')"><script>alert('SVGSCRIPT')</script></svg>
<noscript><p>NOSCRIPTTEXT</p></noscript><template><p>一、TEMPLATETASK</p></template>
<p>一、加强政策解读</p>
<p>（一）做好政策文件解读。<a href="javascript:alert('LINKJS')" onclick="alert('CLICKJS')">详见</a>。（责任单位：县政府办公室）</p>
<p>（二）及时回应关切。<img src="x" onerror="alert('IMGJS')">（责任单位：县融媒体中心）</p>
<object data="javascript:alert('OBJECTJS')"></object><embed src="javascript:alert('EMBEDJS')">
<form action="javascript:alert('FORMJS')"><input value="INPUTJS"></form>
<script>var s = "</p><p>二、SCRIPTSTRING（责任单位：县公安局）</p>";</script>
</body></html>"""
LEAKS = ("PWNED", "INJECTED", "REFRESHJS", "SRCJS", "CSSJS", "ONLOADJS", "IFRAMEJS", "SVGJS", "SVGSCRIPT", "NOSCRIPT",
         "TEMPLATETASK", "LINKJS", "CLICKJS", "IMGJS", "OBJECTJS", "EMBEDJS", "FORMJS", "INPUTJS", "SCRIPTSTRING",
         "javascript", "alert", "writeFileSync", "document.write")


def _all_text(doc) -> str:
    parts = [doc.title or "", doc.notice_title or "", doc.issuer or ""]
    for t in doc.tasks:
        parts += [t.path, t.heading, t.text, t.content, *t.lead_units, *t.cooperating_units]
    return "\n".join(parts)


@pytest.mark.parametrize(("name", "encoding", "page"), [
    ("page.html", "utf-8", HOSTILE_PAGE),
    ("page.htm", "gbk", HOSTILE_PAGE.replace("<!DOCTYPE html><html><head>", '<html><head><meta charset="gbk">')),
    # scraped text with stray tags (no <html>/<body>): read as text with the tags stripped
    ("scraped.txt", "utf-8", HOSTILE_PAGE.split("<body", 1)[1].split(">", 1)[1].replace("</body></html>", "")),
], ids=["html", "html-gbk", "txt-with-tags"])
def test_html_scripts_are_never_run_and_never_leak_into_tasks(tmp_path, monkeypatch, name, encoding, page):
    monkeypatch.chdir(tmp_path)
    before = set(os.listdir(tmp_path))
    doc = parse_bytes(page.encode(encoding), name)
    assert set(os.listdir(tmp_path)) == before  # nothing written
    assert not doc.failed
    assert [t.path for t in doc.tasks] == ["一/(一)", "一/(二)"], [t.text for t in doc.tasks]
    text = _all_text(doc)
    assert not [leak for leak in LEAKS if leak.lower() in text.lower()], text
    assert doc.tasks[0].lead_units == ["县政府办公室"] and doc.tasks[1].lead_units == ["县融媒体中心"]


@pytest.mark.parametrize("page", [
    "<div>" * 50_000 + "一、做好公开。" + "</div>" * 50_000,
    "<p>一、做好公开。" + "<b>" * 100_000,
    "<html><body><p>一、做好公开。</p><!--" + "x" * 500_000,
    "<html><body>" + "<script>" * 50_000 + "<p>一、做好公开。</p>",
    '<html><body><p title="' + "\"'<" * 50_000 + '">一、做好公开。</p>',
], ids=["deep-nesting", "unclosed-tags", "unclosed-comment", "unclosed-scripts", "attribute-soup"])
def test_pathological_markup_is_read_in_bounded_time(page):
    started = time.monotonic()
    doc = parse_bytes(page.encode(), "page.html")
    assert time.monotonic() - started < 30
    assert doc.failed is False or doc.warnings


# ---------------------------------------------------------------- text encodings and binary
@pytest.mark.parametrize(("data", "words"), [
    (bytes(0x80 + k % 50 for k in range(600)), ("encoding could not be detected",)),
    (b"\x00\x01\x02\x03" * 500, ("binary",)),
    (b"", ("empty file",)),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, (".doc", ".docx")),
], ids=["undetectable", "binary", "empty", "legacy-doc"])
def test_text_that_cannot_be_decoded_fails_with_the_reason(data, words):
    failed_because(parse_bytes(data, "plan.txt"), *words)


@pytest.mark.parametrize("damage", ["cut-mid-character", "flipped-byte", "stray-nul"])
def test_a_plan_with_a_few_damaged_bytes_is_read_with_a_warning(damage):
    middle = SEED.index("。".encode(), len(SEED) // 2)
    data = {"cut-mid-character": SEED[: SEED.rindex("。".encode()) + 1],
            "flipped-byte": SEED[:middle] + b"\xff" + SEED[middle + 1:],
            "stray-nul": SEED[:middle] + b"\x00" + SEED[middle:]}[damage]
    doc = parse_bytes(data, "plan.txt")
    assert not doc.failed and doc.tasks, doc.warnings
    assert any("replaced" in w or "NUL" in w for w in doc.warnings), doc.warnings


@pytest.mark.parametrize("encoding", ["utf-32", "utf-16-le", "utf-16-be"])
def test_utf32_and_unmarked_utf16_plans_are_read(encoding):
    doc = parse_bytes(SEED.decode("utf-8").replace("\xa0", " ").encode(encoding), "plan.txt")
    assert not doc.failed and doc.tasks, doc.warnings


# ---------------------------------------------------------------- add: odd names, odd paths
ODD_NAMES = {
    "spaces": b"plan with  spaces.txt",
    "quotes": b"plan \"quoted\" 'x'.txt",
    "newline": b"plan\nwith\nnewlines.txt",
    "leading-dashes": b"--help.txt",
    "dots": b"...txt",
    "shell": b"$(touch PWNED);rm -rf ~;`x`.txt",
    "rtl-override": "plan\u202etxt.exe.txt".encode(),
    "long-ascii": b"x" * 251 + b".txt",
    "long-4-byte-chars": "\U00020000".encode() * 62 + b".txt",
    "non-utf8-bytes": b"\xb9\xab\xbf\xaa plan \xff.txt",  # GBK bytes, as zip tools extract them
    "chinese": "2024年 某县（区）政务公开工作要点（终稿）.txt".encode(),
}


def _assert_tidy_raw_name(name: str) -> None:
    assert "/" not in name and "\n" not in name and not name.startswith(("-", ".")), name
    assert len(name.encode("utf-8")) <= 200 and name.isprintable(), name
    assert name.endswith(".txt")


def test_add_takes_files_with_odd_names_under_tidy_names(tmp_path):
    project = make_project(tmp_path / "project", 0)
    folder = os.fsencode(tmp_path / "incoming")
    os.mkdir(folder)
    sources = {}
    for k, (label, odd) in enumerate(ODD_NAMES.items()):
        sources[label] = os.path.join(folder, odd)
        with open(sources[label], "wb") as fh:
            fh.write(SEED + f"\n{k}\n".encode())  # distinct bytes: add refuses duplicates
    out = cli(project, "add", "--", *sources.values(), cwd=tmp_path)  # one call: `add` takes many files
    assert out.returncode == 0, out.stderr.decode(errors="replace")[-2000:]
    raw = project / "data" / "raw"
    added = {p.read_bytes(): p for p in raw.iterdir() if p.name not in ("manifest.csv", "overrides.csv")}
    assert len(added) == len(ODD_NAMES)
    for label, src in sources.items():
        with open(src, "rb") as fh:
            copy = added[fh.read()]  # a byte-for-byte copy of each
        assert not copy.is_symlink(), label
        _assert_tidy_raw_name(copy.name)
    manifest = pd.read_csv(raw / "manifest.csv", encoding="utf-8")
    assert sorted(manifest["file"]) == sorted(p.name for p in added.values())
    assert any("\\xff" in source for source in manifest["source"])  # undecodable name bytes shown, not lost
    assert not (tmp_path / "PWNED").exists() and not (MAIN_DIR / "PWNED").exists()


MAIN_DIR = Path(__file__).resolve().parents[1]


def test_add_with_odd_metadata_values_writes_readable_csvs(tmp_path):
    project = make_project(tmp_path / "project", 0)
    src = tmp_path / "plan.txt"
    src.write_bytes(SEED)
    out = cli(project, "add", str(src), "--region", "\U00020000" * 80, "--year", "2020", "--title",
              b"\xff\xfe\"quoted\",\ncomma", "--source", "a,b\n\"c\"")
    assert out.returncode == 0, out.stderr.decode(errors="replace")[-2000:]
    raw = project / "data" / "raw"
    [added] = [p for p in raw.iterdir() if p.suffix == ".txt"]
    _assert_tidy_raw_name(added.name)
    overrides = pd.read_csv(raw / "overrides.csv", encoding="utf-8")
    assert overrides.loc[0, "title"] == '\\xff\\xfe"quoted",\ncomma'
    assert pd.read_csv(raw / "manifest.csv", encoding="utf-8").loc[0, "source"] == 'a,b\n"c"'


def test_safe_name_never_gives_a_hidden_dashed_or_overlong_name():
    for name in ("-rf.txt", ".bashrc.txt", "../../etc/passwd.txt", "a/b.txt", "\U00020000" * 200 + ".txt"):
        _assert_tidy_raw_name(safe_name(name))


def test_a_file_outside_data_raw_is_copied_never_linked(tmp_path):
    project = make_project(tmp_path / "project", 0)
    src = tmp_path / "elsewhere" / "plan.txt"
    src.parent.mkdir()
    src.write_bytes(SEED)
    link = tmp_path / "link-to-plan.txt"
    link.symlink_to(src)
    out = cli(project, "add", str(link))
    assert out.returncode == 0, out.stderr
    [added] = [p for p in (project / "data" / "raw").iterdir() if p.suffix == ".txt"]
    assert not added.is_symlink() and added.stat().st_ino != src.stat().st_ino and added.stat().st_nlink == 1
    src.write_bytes(b"changed later")  # the corpus copy does not follow the original
    assert added.read_bytes() == SEED


def _odd_paths(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    links = {
        "link-to-fifo": fifo, "link-to-dev-zero": Path("/dev/zero"), "link-to-folder": folder,
        "dangling-link": tmp_path / "absent.txt",
    }
    paths = {"fifo": fifo, "folder": folder, "dev-null": Path("/dev/null"), "missing": tmp_path / "missing.txt"}
    for label, target in links.items():
        link = tmp_path / f"{label}.txt"
        link.symlink_to(target)
        paths[label] = link
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    paths["link-loop"] = loop
    return paths


ODD_PATHS = ["fifo", "folder", "dev-null", "missing", "link-to-fifo", "link-to-dev-zero", "link-to-folder",
             "dangling-link", "link-loop"]


def test_add_refuses_what_is_not_a_regular_file_without_hanging(tmp_path):
    project = make_project(tmp_path / "project", 0)
    paths = _odd_paths(tmp_path)
    out = cli(project, "add", *(str(paths[label]) for label in ODD_PATHS), timeout=60)
    assert out.returncode == 1
    refusals = out.stderr.decode().splitlines()
    assert len(refusals) == len(ODD_PATHS) and all("refused" in r and "not a regular file" in r for r in refusals)
    assert not any((project / "data" / "raw").iterdir())


@pytest.mark.parametrize("label", ODD_PATHS)
def test_parse_reports_what_is_not_a_regular_file_without_hanging(tmp_path, label):
    path = _odd_paths(tmp_path)[label]
    started = time.monotonic()
    doc = parse_file(path)
    assert time.monotonic() - started < 10
    failed_because(doc)
    assert any(w in doc.warnings[0] for w in ("not a regular file", "cannot open")), doc.warnings


def test_the_parse_command_does_not_block_on_a_pipe(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    out = cli(tmp_path, "parse", str(fifo), timeout=60)
    assert out.returncode == 1 and b"not a regular file" in out.stdout


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed TimeUp
def test_a_time_limit_whose_first_alarm_is_swallowed_still_stops_the_block():
    from analysis.readers.limits import TimeUp, time_limit

    class SlowToDelete:
        def __del__(self):  # an exception raised in here is swallowed by Python
            time.sleep(0.2)

    deadline, stopped = time.monotonic() + 5, False
    try:
        with time_limit(0.05):
            SlowToDelete()  # the alarm goes off while it is being deleted
            while time.monotonic() < deadline:
                pass
    except TimeUp:
        stopped = True
    assert stopped and time.monotonic() < deadline
