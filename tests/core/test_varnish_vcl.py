"""docs/varnish/commentariat.vcl agrees with the app (the rest of it is tested in front of real app
servers: test_behind_varnish.py)."""

import os
import re
import subprocess

import pytest

from commentariat.core.page_cache import personal_cookies
from tests.varnish import VCL, varnishd, vcl_for


def _cookies_passed_by_the_vcl() -> set[str]:
    found = re.search(r'req\.http\.Cookie ~ "\(\^\|;\\s\*\)\(([^)]+)\)="', VCL.read_text())
    assert found, "the VCL no longer names the cookies it passes"
    return set(found.group(1).split("|"))


def test_every_cookie_that_makes_a_page_personal_bypasses_varnish():
    assert set(personal_cookies()) <= _cookies_passed_by_the_vcl()


def test_the_documented_vcl_compiles_with_debians_varnish_and_xkey(tmp_path):
    if varnishd() is None:
        if os.environ.get("COMMENTARIAT_REQUIRE_VARNISH"):
            pytest.fail("varnishd is not installed (make varnish installs it)")
        pytest.skip("varnishd is not installed (make varnish installs it, as root)")
    for vcl in (VCL.read_text(), vcl_for(["http://127.0.0.1:8001", "http://127.0.0.1:8002"], ["127.0.0.1"])):
        source = tmp_path / "commentariat.vcl"
        source.write_text(vcl)
        compiled = subprocess.run([varnishd(), "-C", "-j", "none", "-n", str(tmp_path / "state"), "-f", str(source)],
                                  capture_output=True, text=True, timeout=60)  # fmt: skip
        assert compiled.returncode == 0, compiled.stderr[-2000:]
