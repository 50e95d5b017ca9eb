"""Collect: plans fetched from a local web server into a temporary data/raw/ (no network beyond 127.0.0.1)."""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import mplfonts
import pytest

from analysis import collect, pipeline, raw_store
from analysis.collect import fetch
from analysis.collect_http import USER_AGENT, check_url, to_uri

PLAN = ("测试区2023年政务公开工作要点\n"
        "一、深化重点领域信息公开\n"
        "（一）推进财政预决算公开。全面公开部门预决算和“三公”经费。责任单位：区财政局\n"
        "（二）做好重大建设项目信息公开。责任单位：区发展改革局\n"
        "二、加强政策解读和回应关切\n"
        "（三）围绕优化营商环境做好政策解读。责任单位：区政府办公室、区司法局\n")
FAST = {"timeout": 2, "retries": 1, "backoff": 0.01}


def html_page(body: str, charset: str = "utf-8", title: str = "测试区人民政府") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title>'
            f"<script>document.write('never run')</script></head><body>{body}</body></html>")


def plan_html(plan: str = PLAN, charset: str = "utf-8") -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in plan.splitlines())
    return html_page(f"<div class='content'>{paragraphs}</div>", charset).encode(charset)


@pytest.fixture(scope="session")
def plan_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("cjk", fname=str(Path(mplfonts.__file__).parent / "fonts" / "SimHei.ttf"))
    pdf.set_font("cjk", size=12)
    for line in PLAN.splitlines():
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


class Site:
    """Routes of the test server: path → (status, headers, body) or a callable returning one."""

    def __init__(self):
        self.routes: dict = {}
        self.hits: Counter = Counter()
        self.agents: list[str] = []
        self.no_length: set[str] = set()
        self.base = ""

    def url(self, path: str) -> str:
        return self.base + path


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            site.hits[self.path] += 1
            site.agents.append(self.headers.get("User-Agent", ""))
            route = site.routes.get(self.path, (404, {"Content-Type": "text/html"}, b"<h1>Not Found</h1>"))
            status, headers, body = route(site.hits[self.path]) if callable(route) else route
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if self.path not in site.no_length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the client hung up on a slow or oversized answer, as intended


@pytest.fixture
def site():
    site = Site()
    server = _QuietServer(("127.0.0.1", 0), _handler(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def raw(tmp_path) -> Path:
    """A data/raw/ that already holds one plan, so 'unchanged' means something."""
    folder = tmp_path / "raw"
    raw_store.add("seed.txt", folder, data=PLAN.replace("测试区", "样本县").encode("utf-8"), source="seed")
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry of the folder (hidden ones too) with its hash."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def manifest_row(folder: Path, name: str) -> dict:
    return pipeline.raw_manifest(folder)[name]


def overrides_rows(folder: Path) -> dict[str, dict]:
    with (folder / "overrides.csv").open(encoding="utf-8", newline="") as fh:
        return {r["file"]: r for r in csv.DictReader(fh)}


def assert_provenance(folder: Path, path: Path, *, source: str, url: str, content_type: str, encoding: str):
    row = manifest_row(folder, path.name)
    assert row["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (row["source"], row["url"], row["http_status"]) == (source, url, "200")
    assert (row["content_type"], row["encoding"]) == (content_type, encoding)
    retrieved = dt.datetime.fromisoformat(row["retrieved"].replace("Z", "+00:00"))
    assert row["retrieved"].endswith("Z")
    assert abs((dt.datetime.now(dt.UTC) - retrieved).total_seconds()) < 120


# ---------------------------------------------------------------------------- stored
def test_wrapper_page_stores_its_pdf_attachment(site, raw, plan_pdf):
    wrapper = html_page("<nav>首页 政务公开 政策文件</nav><h1>关于印发测试区2023年政务公开工作要点的通知</h1>"
                        "<p>各镇人民政府，区政府各部门：现将有关文件印发给你们，请认真贯彻执行。</p>"
                        '<p>附件：<a href="/files/P020230301.pdf">测试区2023年政务公开工作要点.pdf</a></p>'
                        '<p><a href="/files/other.xls">任务分工表.xls</a></p>')
    site.routes["/art/2023/3/1/notice.html"] = (200, {"Content-Type": "text/html; charset=utf-8"},
                                                wrapper.encode("utf-8"))
    site.routes["/files/P020230301.pdf"] = (200, {"Content-Type": "application/pdf"}, plan_pdf)
    page = site.url("/art/2023/3/1/notice.html")

    [result] = fetch([page], raw, region="测试区", year=2023, **FAST)

    assert result.ok and result.reason == "stored", result.message
    assert result.path == raw / "测试区-2023.pdf" and result.path.read_bytes() == plan_pdf
    assert (result.status, result.content_type) == (200, "application/pdf")
    assert result.sha256 == hashlib.sha256(plan_pdf).hexdigest()
    assert result.document_url == site.url("/files/P020230301.pdf")
    assert_provenance(raw, result.path, source=page, url=site.url("/files/P020230301.pdf"),
                      content_type="application/pdf", encoding="")
    assert overrides_rows(raw)["测试区-2023.pdf"]["region"] == "测试区"
    assert overrides_rows(raw)["测试区-2023.pdf"]["plan_year"] == "2023"
    assert set(site.agents) == {USER_AGENT} and site.hits["/files/other.xls"] == 0


def test_gbk_page_is_stored_byte_for_byte(site, raw):
    body = plan_html(charset="gbk")
    site.routes["/xxgk/plan-gbk.html"] = (200, {"Content-Type": "text/html"}, body)

    [result] = fetch(site.url("/xxgk/plan-gbk.html"), raw, **FAST)

    assert result.ok and result.path.name == "127.0.0.1-plan-gbk.html", result.message
    assert result.path.read_bytes() == body
    assert_provenance(raw, result.path, source=site.url("/xxgk/plan-gbk.html"),
                      url=site.url("/xxgk/plan-gbk.html"), content_type="text/html", encoding="gbk")
    text = collect.read_bytes(result.path.read_bytes(), result.path.name).text
    assert "（一）推进财政预决算公开" in text and "责任单位：区财政局" in text and "never run" not in text


def test_header_charset_wins_and_gzip_is_undone(site, raw):
    body = plan_html(charset="gb18030")
    site.routes["/p.htm"] = (200, {"Content-Type": "text/html; charset=GB18030", "Content-Encoding": "gzip"},
                             gzip.compress(body))

    [result] = fetch(site.url("/p.htm"), raw, **FAST)

    assert result.ok and result.path.suffix == ".htm" and result.path.read_bytes() == body
    assert manifest_row(raw, result.path.name)["encoding"] == "gb18030"


def test_redirect_within_the_site_is_followed(site, raw):
    site.routes["/old/plan"] = (302, {"Location": "/new/plan.html"}, b"")
    site.routes["/new/plan.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, plan_html())

    [result] = fetch(site.url("/old/plan"), raw, **FAST)

    assert result.ok and result.path.name == "127.0.0.1-plan.html", result.message
    assert_provenance(raw, result.path, source=site.url("/old/plan"), url=site.url("/new/plan.html"),
                      content_type="text/html", encoding="utf-8")


@pytest.mark.parametrize("first", [500, 503, 429])
def test_a_transient_error_is_retried(site, raw, first):
    site.routes["/flaky.html"] = lambda hit: ((first, {}, b"busy") if hit == 1 else
                                              (200, {"Content-Type": "text/html"}, plan_html()))

    [result] = fetch(site.url("/flaky.html"), raw, **FAST)

    assert result.ok and result.reason == "stored" and site.hits["/flaky.html"] == 2


def test_same_bytes_twice_then_a_changed_page(site, raw, tmp_path):
    site.routes["/plan.html"] = (200, {"Content-Type": "text/html"}, plan_html())
    [first] = fetch(site.url("/plan.html"), raw, region="测试区", year=2023, **FAST)
    before = snapshot(raw)

    [again] = fetch(site.url("/plan.html"), raw, region="测试区", year=2023, **FAST)

    assert again.ok and again.reason == "unchanged" and again.path == first.path
    assert again.message == "unchanged, already in corpus as 测试区-2023.html"
    assert snapshot(raw) == before

    changed = plan_html(PLAN + "（四）做好政府信息公开年度报告工作。责任单位：区政府办公室\n")
    site.routes["/plan.html"] = (200, {"Content-Type": "text/html"}, changed)
    [second] = fetch(site.url("/plan.html"), raw, region="测试区", year=2023, **FAST)

    assert second.ok and second.path.name == "测试区-2023-2.html" and second.path.read_bytes() == changed
    assert first.path.read_bytes() == plan_html()
    assert {first.path.name, second.path.name} <= set(pipeline.status(raw, tmp_path / "processed").new)
    rows = pipeline.raw_manifest(raw)
    assert rows[first.path.name]["url"] == rows[second.path.name]["url"] == site.url("/plan.html")
    assert rows[second.path.name]["sha256"] == hashlib.sha256(changed).hexdigest()


# ---------------------------------------------------------------------------- refused: data/raw/ unchanged
def _slow(hit):
    time.sleep(1.5)
    return 200, {"Content-Type": "text/html"}, plan_html()


FAILURES = {  # case: (path, fetch options, reason, status, message fragment)
    "404": ("/gone.html", {}, "http 404", 404, "HTTP 404 Not Found"),
    "redirect to a 404": ("/moved", {}, "http 404", 404, "(redirected to http://127.0.0.1"),
    "redirect to file:": ("/to-file", {}, "refused scheme", None, "redirect to file:///etc/passwd refused"),
    "timeout": ("/slow.html", {"timeout": 0.3}, "timeout", None, "no answer within 0.3 s (after 2 attempts)"),
    "too large (Content-Length)": ("/big.html", {"max_bytes": 1000}, "too large", None, "Content-Length"),
    "too large (streamed)": ("/big-stream.html", {"max_bytes": 1000}, "too large", None, "stopped reading"),
    "500 every time": ("/down.html", {}, "http 500", 500, "(after 2 attempts)"),
    "200 error page without Chinese": ("/error.html", {}, "no plan text", 200, "only 0 Chinese characters"),
    "200 page saying it is missing": ("/missing.html", {}, "no plan text", 200, "页面不存在"),
    "broken PDF": ("/broken.pdf", {}, "unreadable", 200, "broken PDF"),
    "legacy .doc": ("/plan.doc", {}, "unsupported type", 200, "save it as .docx"),
    "wrapper whose attachment is gone": ("/wrapper.html", {}, "http 404", 404, "/files/gone.pdf: HTTP 404"),
}


def _failing_routes(site: Site) -> None:
    site.routes.update({
        "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
        "/moved": (301, {"Location": "/gone.html"}, b""),
        "/slow.html": _slow,
        "/big.html": (200, {"Content-Type": "text/html"}, plan_html() * 10),
        "/big-stream.html": (200, {"Content-Type": "text/html"}, plan_html() * 10),
        "/down.html": (500, {}, b"Internal Server Error"),
        "/error.html": (200, {"Content-Type": "text/html"},
                        b"<html><body><h1>Error</h1><p>Something went wrong.</p></body></html>"),
        "/missing.html": (200, {"Content-Type": "text/html; charset=utf-8"},
                          html_page("<nav>首页</nav><p>对不起，您访问的页面不存在或已被删除，请返回首页重新浏览网站栏目内容。"
                                    "测试区人民政府网站版权所有，主办单位测试区人民政府办公室。</p>").encode()),
        "/broken.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7\n" + b"\x00garbage" * 50),
        "/plan.doc": (200, {"Content-Type": "application/msword"}, b"\xd0\xcf\x11\xe0" + b"\x00" * 600),
        "/wrapper.html": (200, {"Content-Type": "text/html"},
                          html_page('<p>附件：<a href="/files/gone.pdf">测试区2023年政务公开工作要点</a></p>').encode()),
    })
    site.no_length.add("/big-stream.html")


@pytest.mark.parametrize("case", FAILURES)
def test_a_failure_leaves_data_raw_unchanged(site, raw, case):
    _failing_routes(site)
    path, options, reason, status, fragment = FAILURES[case]
    before = snapshot(raw)

    [result] = fetch(site.url(path), raw, region="测试区", year=2023, **(FAST | options))

    assert not result.ok and result.path is None and result.sha256 is None
    assert result.reason == reason, result.message
    assert result.status == status and fragment in result.message
    assert snapshot(raw) == before


def test_retries_are_for_transient_failures_only(site, raw):
    _failing_routes(site)
    fetch([site.url("/down.html"), site.url("/gone.html")], raw, retries=2, backoff=0.001)
    assert site.hits["/down.html"] == 3 and site.hits["/gone.html"] == 1


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/plan.pdf", "data:text/html,<p>x</p>",
                                 "javascript:alert(1)", "/relative/plan.html", "http:///no-host"])
def test_non_http_addresses_are_refused(url, tmp_path):
    folder = tmp_path / "raw"
    [result] = fetch(url, folder, **FAST)
    assert not result.ok and result.reason == "refused scheme"
    assert not folder.exists()


def test_unknown_host(monkeypatch, tmp_path):
    def no_such_host(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    [result] = fetch("http://www.nowhere.gov.cn/plan.html", tmp_path / "raw", **FAST)
    assert not result.ok and result.reason == "dns" and "www.nowhere.gov.cn" in result.message
    assert not (tmp_path / "raw").exists()


def test_connection_refused_is_reported(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    [result] = fetch(f"http://127.0.0.1:{port}/plan.html", tmp_path / "raw", **FAST)
    assert not result.ok and result.reason == "connection" and "2 attempts" in result.message


# ---------------------------------------------------------------------------- rules
LONG_NOTICE = "各镇人民政府，区政府各部门，各有关单位：" * 30


@pytest.mark.parametrize(("page_text", "links", "chosen"), [
    ("现将文件印发给你们。", [("附件：测试区2023年政务公开工作要点", ".pdf")], 0),
    ("现将文件印发给你们。", [("测试区要点", ".doc"), ("测试区要点", ".pdf")], 1),
    ("现将文件印发给你们。", [("报名表", ".pdf")], None),
    (LONG_NOTICE, [("附件下载", ".pdf")], None),
    (LONG_NOTICE, [("测试区2023年政务公开工作要点", ".docx")], 0),
    (PLAN, [("测试区2023年政务公开工作要点", ".pdf")], None),
])
def test_choose_attachment(page_text, links, chosen):
    attachments = collect.find_attachments(
        "".join(f'<p><a href="/f/{k}{suffix}">{label}</a></p>' for k, (label, suffix) in enumerate(links)),
        "http://www.example.gov.cn/art/notice.html")
    pick = collect.choose_attachment(page_text, attachments)
    assert pick == (None if chosen is None else attachments[chosen])


def test_attachment_links_in_a_query_and_bad_schemes():
    found = collect.find_attachments(
        '<a href="/module/download/downfile.jsp?classid=0&filename=2303011.pdf">下载</a>'
        '<a href="javascript:open(\'x.pdf\')">附件</a><a href="mailto:a@b.cn?x=y.pdf">附件</a>',
        "https://www.example.gov.cn/col/index.html")
    assert [a.url for a in found] == ["https://www.example.gov.cn/module/download/downfile.jsp?classid=0&filename=2303011.pdf"]


@pytest.mark.parametrize(("body", "content_type", "url", "suffix"), [
    (b"%PDF-1.4 ...", "application/octet-stream", "http://x.cn/download.jsp?id=1", ".pdf"),
    (b"PK\x03\x04...", "application/octet-stream", "http://x.cn/a", ".docx"),
    (b"\xd0\xcf\x11\xe0...", "", "http://x.cn/a.wps", ".wps"),
    (b"<html>", "text/html", "http://x.cn/a.htm", ".htm"),
    (b"<html>", "text/html", "http://x.cn/art/2023/3/1/art_1.jsp", ".html"),
    (b"<!DOCTYPE html><html>", "", "http://x.cn/a", ".html"),
    ("一、".encode(), "text/plain", "http://x.cn/a", ".txt"),
    (b"GIF89a", "image/gif", "http://x.cn/a.gif", ".gif"),
])
def test_suffix_for(body, content_type, url, suffix):
    assert collect.suffix_for(body, content_type, url) == suffix


def test_urls_with_chinese_are_encoded():
    assert to_uri("http://www.example.gov.cn/政务公开/要点.pdf?标题=要点") == (
        "http://www.example.gov.cn/%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80/%E8%A6%81%E7%82%B9.pdf"
        "?%E6%A0%87%E9%A2%98=%E8%A6%81%E7%82%B9")
    assert check_url("HTTPS://www.example.gov.cn/a%20b.html") == "https://www.example.gov.cn/a%20b.html"


def test_file_names():
    assert collect.file_name("http://x.cn/P0203.pdf", ".pdf", "附件1：测试区2023年政务公开工作要点.pdf") == \
        "测试区2023年政务公开工作要点.pdf"
    assert collect.file_name("http://www.x.gov.cn/art/2023/art_9.html", ".html") == "www.x.gov.cn-art_9.html"
    assert collect.file_name("http://www.x.gov.cn/", ".html", "下载") == "www.x.gov.cn-index.html"
