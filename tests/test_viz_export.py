"""Export: the expected files, 300 dpi PNG, offline HTML, atomic writes, byte-identical rebuilds."""
from __future__ import annotations

import json
import re

import pytest
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from PIL import Image
from test_viz_frames import synthetic_documents, synthetic_emphasis, synthetic_tables

from analysis.viz import export, frames, interactive, render_all, save_interactive, save_static, static

E = synthetic_emphasis()
DOCS = synthetic_documents()


def test_save_static_writes_png_svg_pdf_with_stable_names(tmp_path):
    paths = save_static(static.domain_dotplot(E, "finance", "zh", documents=DOCS), "dotplot", tmp_path)
    assert [p.name for p in paths] == ["dotplot.png", "dotplot.svg", "dotplot.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dotplot.pdf", "dotplot.png", "dotplot.svg"]  # no temp left
    assert paths[1].read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert paths[2].read_bytes().startswith(b"%PDF")


def test_png_is_300_dpi(tmp_path):
    (png,) = save_static(static.domain_dotplot(E, "finance", "en"), "d", tmp_path, formats=("png",))
    with Image.open(png) as image:
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)


def test_unknown_format_fails_before_writing(tmp_path):
    with pytest.raises(ValueError, match="unknown static formats"):
        save_static(static.domain_dotplot(E, "finance", "en"), "d", tmp_path, formats=("png", "gif"))
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("view", ["domain_dotplot", "domain_composition"])
def test_rebuilt_figures_export_byte_identical_files(tmp_path, view):
    """Same data → same bytes: no dates in PNG/SVG/PDF, fixed SVG hash salt."""
    args = (E, "finance") if view == "domain_dotplot" else (E,)
    first = save_static(getattr(static, view)(*args, "zh", documents=DOCS), view, tmp_path / "a")
    second = save_static(getattr(static, view)(*args, "zh", documents=DOCS), view, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_saving_keeps_the_figures_layout_engine(tmp_path):
    fig = static.domain_dotplot(E, "finance", "en")
    engine = fig.get_layout_engine()
    save_static(fig, "d", tmp_path, formats=("png",))
    assert fig.get_layout_engine() is engine


def test_html_is_standalone_offline_and_reproducible(tmp_path):
    fig = interactive.domain_heatmap(E, "zh", documents=DOCS)
    page = save_interactive(fig, "heatmap", tmp_path / "a")
    again = save_interactive(interactive.domain_heatmap(E, "zh", documents=DOCS), "heatmap", tmp_path / "b")
    html = page.read_text(encoding="utf-8")
    assert page.name == "heatmap.html"
    assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js embedded
    assert not re.search(r"<script[^>]+src=", html)  # nothing loaded from elsewhere
    # plotly.js itself names cdn.plot.ly once, as the default topojsonURL for maps (unused here)
    assert [m.start() for m in re.finditer(r"cdn\.plot\.ly", html)] == [html.find('topojsonURL:{valType:"string",'
                                                                                  'noBlank:!0,dflt:"https://cdn.plot.ly')
                                                                        + len('topojsonURL:{valType:"string",noBlank:!0,'
                                                                              'dflt:"https://')]
    assert json.dumps("福建省 2016")[1:-1] in html
    assert '"showSendToCloud": false' in html  # no button uploading the chart to cloud.plotly.com
    assert page.read_bytes() == again.read_bytes()


def test_notebook_charts_offer_no_upload(monkeypatch):
    """In Jupyter a chart is drawn by plotly's default renderer, with that renderer's config."""
    import plotly.io as pio

    monkeypatch.setattr(pio.renderers, "default", "plotly_mimetype")
    bundle = interactive.domain_heatmap(E, "zh", documents=DOCS)._repr_mimebundle_()
    assert bundle["application/vnd.plotly.v1+json"]["config"]["showSendToCloud"] is False


def test_html_carries_the_glyphs_of_its_labels(tmp_path):
    """The labels reach the page only as JSON escapes (\\u798f…); the embedded face covers them anyway."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    page = save_interactive(interactive.domain_heatmap(E, "zh", documents=DOCS), "heatmap", tmp_path)
    html = page.read_text(encoding="utf-8")
    assert "福建省" not in html
    (font,) = re.findall(r'src:url\(data:font/woff;base64,([^)]+)\)', html)
    covered = set(TTFont(io.BytesIO(base64.b64decode(font))).getBestCmap())
    assert {ord(c) for c in "福建省领域"} <= covered


def test_render_all_writes_every_view(tmp_path, monkeypatch):
    """Every view as HTML, and every static figure handed to save_static with the default formats
    (recorded, not rendered: save_static is tested above; rendering all views takes long)."""
    handed = []

    def record(fig, name, folder, formats):
        assert isinstance(fig, Figure) and folder == tmp_path
        handed.append(name)
        return [tmp_path / f"{name}.{ext}" for ext in formats]

    monkeypatch.setattr(export, "save_static", record)
    paths = render_all(synthetic_tables(), tmp_path, "en", domain="platforms")
    stems = ["distinctive_terms_plan_year_en", "distinctive_terms_region_en", "domain_composition_en",
             "domain_dotplot_platforms_en", "domain_heatmap_en", "emphasis_over_years_en", "similarity_heatmap_en",
             "topic_clusters_en"]
    assert sorted(handed) == stems
    assert sorted(p.name for p in paths) == sorted(f"{s}.{ext}" for s in stems for ext in ("html", "pdf", "png", "svg"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{s}.html" for s in stems]


def test_render_all_draws_what_the_tables_allow_and_needs_emphasis(tmp_path):
    paths = render_all({"emphasis": E}, tmp_path, "zh", formats=(), html=True)
    assert sorted(p.name for p in paths)[0] == "domain_composition_zh.html"
    assert len(paths) == 4  # heatmap, years, composition, dot plot of the most varied domain
    with pytest.raises(KeyError, match="emphasis"):
        render_all({"documents": DOCS}, tmp_path, "zh")


def test_two_processes_draw_the_same_files_as_one(tmp_path):
    """Views drawn by forked workers: the same files, byte for byte, listed in the same order."""
    tables = synthetic_tables()
    one = render_all(tables, tmp_path / "one", "zh", formats=("png", "svg"), workers=1)
    two = render_all(tables, tmp_path / "two", "zh", formats=("png", "svg"), workers=2)
    assert [p.name for p in one] == [p.name for p in two] and len(one) > 10
    assert {p.name: p.read_bytes() for p in one} == {p.name: p.read_bytes() for p in two}


def test_a_failing_view_fails_the_forked_drawing_with_its_error(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("no such chart")

    monkeypatch.setattr(export.interactive, "topic_clusters", broken)
    with pytest.raises(ValueError, match="no such chart"):
        render_all(synthetic_tables(), tmp_path, "zh", formats=(), workers=2)


def test_svg_clip_path_ids_are_numbered_in_order_of_use():
    svg = (b'<clipPath id="p0633b6c7c7"/><clipPath id="p572a0ed20c"/><g clip-path="url(#p572a0ed20c)"/>'
           b'<g clip-path="url(#p0633b6c7c7)"/><path id="m1234567890"/>')
    assert export._renumber_clip_ids(svg) == (b'<clipPath id="clip1"/><clipPath id="clip2"/><g clip-path="url(#clip2)"/>'
                                              b'<g clip-path="url(#clip1)"/><path id="m1234567890"/>')


@pytest.mark.parametrize("factor", [1 - 4e-16, 1 + 4e-16])
def test_a_layout_a_bit_apart_is_written_the_same(tmp_path, monkeypatch, factor):
    """Constrained layout can place axes a bit or two apart, depending on what the process drew
    before (seen in forked workers): save_static rounds the layout, so the files do not differ.
    In this figure an axes height in points ends on a 5 in the 7th decimal, where SVG rounds."""
    def draw():
        return static.emphasis_over_years(E, "zh", documents=DOCS)

    expected = save_static(draw(), "years", tmp_path / "as_laid_out", formats=("svg",))[0].read_bytes()
    lay_out = Figure.draw_without_rendering

    def nudged(fig):
        lay_out(fig)
        for ax in fig.get_axes():
            ax._set_position(Bbox.from_extents(*(v * factor for v in ax.get_position(original=True).extents)))

    monkeypatch.setattr(Figure, "draw_without_rendering", nudged)
    assert save_static(draw(), "years", tmp_path / "nudged", formats=("svg",))[0].read_bytes() == expected


def test_a_plan_whose_government_was_not_found_is_drawn_under_its_file_name(tmp_path):
    """A plan the parser could not place (no region: flagged in its warnings) stays in every chart as
    its own series, named by its file; it used to stop a build's figures (KeyError in the dot plot)."""
    tables = synthetic_tables()
    for name in ("emphasis", "documents"):
        frame = tables[name]
        frame.loc[frame["file"] == "lishui-2020.txt", ["region", "province", "level"]] = None
    assert "lishui-2020.txt 2020" in list(frames.plans(tables["emphasis"])["label"])
    paths = render_all(tables, tmp_path, "zh", formats=(), html=True)
    assert len(paths) == 8
    dots = interactive.domain_dotplot(tables["emphasis"], "finance", "zh", documents=tables["documents"])
    assert "lishui-2020.txt" in {trace.name for trace in dots.data}
    static.emphasis_over_years(tables["emphasis"], "zh", documents=tables["documents"])


def test_a_plan_without_a_year_is_left_out_of_the_charts_by_year_and_named_in_their_note(tmp_path):
    """A plan whose year was not found (no year in its title, citations or date) is in every other
    chart; the charts by year name it in their note instead of stopping the build (TypeError)."""
    tables = synthetic_tables()
    for name in ("emphasis", "documents"):
        frame = tables[name]
        frame.loc[frame["file"] == "lishui-2020.txt", "plan_year"] = None
    assert len(render_all(tables, tmp_path, "en", formats=(), html=True)) == 8
    years = interactive.emphasis_over_years(tables["emphasis"], "en", documents=tables["documents"])
    assert "plans without a plan year are not drawn: 丽水市" in years.layout.annotations[-1].text
    assert "丽水市" not in {trace.name for trace in years.data}
    static.emphasis_over_years(tables["emphasis"], "zh", documents=tables["documents"])
    heat = interactive.domain_heatmap(tables["emphasis"], "en", documents=tables["documents"])
    assert "丽水市" in heat.data[0].y


def test_the_dot_plot_of_a_single_plan_shows_its_largest_domain():
    """No domain varies across one plan: the default dot plot is of its largest domain, not of the first
    in alphabetical order (agriculture, at 0 %, for the first plan a researcher builds)."""
    one = E[E["file"] == "lishui-2020.txt"]
    shares = one[one["domain_group"] != "none"].set_index("domain")["task_share"]
    assert shares[export.most_varied(one)] == shares.max() > shares.min()
    spread = E[E["domain_group"] != "none"].groupby("domain")["task_share"].std()
    assert export.most_varied(E) == spread.idxmax()  # several plans: the most varied, as before
