"""The one demo-site factory: the demos, the tour and the benchmarks start their parts here."""

from __future__ import annotations

import httpx

from kiosk.app import build_app
from kiosk.demo.site import DEMO_DEVICE_ID, open_demo_site


def test_a_demo_site_with_every_part_links_to_its_platform_and_prints(tmp_path):
    with open_demo_site(
        tmp_path, platform=True, printer=True, paper_dir=tmp_path / "paper", reader=True
    ) as site:
        config = site.config
        assert config.platform.url == site.platform_url
        assert config.platform.device_id == DEMO_DEVICE_ID
        assert config.devices.idcard.port == "sim"
        assert httpx.get(f"{site.platform_url}/api/v1/ping").status_code == 200
        services = build_app(config)
        try:
            assert services.sync.configured
            services.queue.take("social")
            result = services.printer.ticket(services.queue.get("A001"))
            assert result.printed
        finally:
            services.close()
        assert site.printer.wait_for_jobs(1)
        assert list((tmp_path / "paper").glob("*.png"))
    try:
        httpx.get(f"{site.platform_url}/api/v1/ping", timeout=2)
    except httpx.TransportError:
        pass
    else:
        raise AssertionError("the platform still answers after the site was closed")


def test_a_bare_demo_site_has_no_devices_and_no_platform(tmp_path):
    with open_demo_site(tmp_path, extra="[ui]\nvoice = false\n") as site:
        config = site.config
    assert not config.platform.url
    assert not config.devices.idcard.port and not config.devices.printer.url
    assert config.ui.voice is False
    assert config.data_dir == tmp_path / "data"
