"""The documentation site builds with warnings as errors, renders every
example of the gallery with its output, and its internal links resolve."""

import os
import re
import shutil
import subprocess
import sys
import warnings
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(path.stem for path in (ROOT / "examples").glob("*.py"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    result = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q",
                             "-b", "html", str(ROOT / "doc"), str(out)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return out


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if tag in ("a", "img", "link", "script") and attrs.get(name):
                self.links.append(attrs[name])


_PARSED = {}


def _parse(path):
    if path not in _PARSED:
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
        _PARSED[path] = parser
    return _PARSED[path]


def test_every_example_is_rendered_with_its_output(site):
    for name in EXAMPLES:
        page = (site / "auto_examples" / f"{name}.html").read_text(encoding="utf-8")
        # The block of what the example printed, holding some text.
        printed = re.search(r'class="sphx-glr-script-out[^"]*"><div class="highlight"><pre>'
                            r'<span></span>(.*?)</pre>', page, re.S)
        assert printed and printed.group(1).strip(), name
    # The plotting example's figure is on its page.
    assert re.search(r'<img[^>]+sphx_glr_many_series_001',
                     (site / "auto_examples" / "many_series.html").read_text())


def test_every_public_estimator_has_a_reference_page(site):
    import rnnforecast

    for name in rnnforecast.__all__:
        if name != "__version__":
            assert (site / "generated" / f"rnnforecast.{name}.html").exists(), name


def test_the_api_reference_lists_every_public_name():
    # The package says what is public in __all__; the reference documents
    # each of those and nothing else, with the optional sktime adapter and
    # the command line's entry point under their own modules.
    import rnnforecast

    listed = re.findall(r"^   ([\w.]+)$", (ROOT / "doc" / "api.rst").read_text(), re.M)
    public = [name for name in rnnforecast.__all__ if name != "__version__"]
    assert sorted(listed) == sorted([*public, "forecasting.sktime.RNNForecaster",
                                     "io.cli.main"])


def test_internal_links_resolve(site):
    broken = []
    # _static holds the theme's Jinja macros, not pages.
    pages = sorted(page for page in site.rglob("*.html") if "_static" not in page.parts)
    assert len(pages) > 40
    for page in pages:
        for link in _parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
            elif parts.fragment and target.suffix == ".html" \
                    and unquote(parts.fragment) not in _parse(target).ids:
                broken.append(f"{page.relative_to(site)} -> {link} (no such anchor)")
    assert not broken, "\n".join(broken[:20])



GUIDE_PAGES = sorted((ROOT / "doc" / "user_guide").glob("*.rst")) + [ROOT / "doc" / "index.rst"]


def _python_blocks(page, language="python"):
    blocks = re.findall(rf"\.\. code-block:: {language}\n\n((?:   .*\n|\n)+)",
                        page.read_text())
    return ["\n".join(line[3:] for line in block.splitlines()) for block in blocks]


@pytest.mark.parametrize("page", [page for page in GUIDE_PAGES if _python_blocks(page)],
                         ids=lambda page: page.name)
def test_user_guide_code_runs_as_written(page, tmp_path, monkeypatch, capsys):
    # A page's blocks run in order in one namespace, as a reader pastes them;
    # the "coming from" page compares with code of other libraries and is
    # not in this list.
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # short fits in examples do not converge
        exec(compile("\n".join(_python_blocks(page)), str(page), "exec"), {})
    # Then its shell commands, each on its own, in the same folder (they may
    # read what the Python wrote), with this environment's rnnforecast
    # command; installing is what this environment has already done.
    path = f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"
    commands = [line for block in _python_blocks(page, "bash") for line in block.splitlines()
                if line.strip() and not line.startswith("pip install")]
    for command in commands:
        done = subprocess.run(command, shell=True, capture_output=True, text=True,
                              cwd=tmp_path, env={**os.environ, "PATH": path})
        assert done.returncode == 0, command + "\n" + done.stderr[-3000:]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed "
                    "(.ci/run installs Debian's chromium)")
@pytest.mark.parametrize("page", ["index", "auto_examples/many_series"])
def test_pages_render_in_a_headless_browser(site, page, tmp_path):
    from matplotlib.image import imread

    shot = tmp_path / "page.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1400",
                    f"--screenshot={shot}", (site / f"{page}.html").as_uri()],
                   capture_output=True, timeout=120)
    pixels = imread(shot)[:, :, :3]
    assert pixels.shape[:2] == (1400, 1280)
    # Not blank: a blank page has no ink at all, these about 4-6% (text,
    # code, figures). That the stylesheets load is test_internal_links_resolve's.
    ink = (pixels.min(axis=2) < 0.8).mean()
    assert ink > 0.02, f"{page}: {ink:.3f} of the page has ink"
