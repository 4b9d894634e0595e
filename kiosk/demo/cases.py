"""Synthetic but realistic cases for demos and benchmarks: Sichuan names and addresses, ID
numbers with valid check digits, form values fitting each item, real JPEG attachments."""

from __future__ import annotations

import random
import struct
from datetime import date, timedelta
from io import BytesIO
from typing import Any

from devices.idcard.idnumber import check_character
from kiosk.core.cases import CaseService
from kiosk.core.catalogue import Catalogue, FormField, Item

SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯邓曾彭蒋蔡余杜叶程魏苏吕丁任沈姚卢钟谭廖"
)
GIVEN = [
    "秀英",
    "桂英",
    "淑华",
    "玉兰",
    "德明",
    "国华",
    "建国",
    "志强",
    "文华",
    "春花",
    "永福",
    "明芳",
    "家兴",
    "光荣",
    "桂芳",
    "小红",
    "正明",
    "学兵",
    "世平",
    "红梅",
    "大勇",
    "兴全",
    "泽民",
    "德贵",
    "素珍",
    "翠兰",
    "晓燕",
    "海燕",
    "俊杰",
    "子涵",
    "浩然",
    "思雨",
    "天佑",
    "成刚",
]
# Region codes of Yibin (宜宾) and the towns and villages the demo addresses use.
REGIONS = {
    "511502": ("翠屏区", ["李庄镇", "宗场镇", "思坡镇"]),
    "511503": ("南溪区", ["大观镇", "裴石镇"]),
    "511504": ("叙州区", ["柏溪镇", "观音镇", "蕨溪镇"]),
    "511523": ("江安县", ["红桥镇", "留耕镇"]),
    "511524": ("长宁县", ["竹海镇", "双河镇"]),
    "511526": ("珙县", ["巡场镇", "底洞镇"]),
    "511528": ("兴文县", ["石海镇", "周家镇"]),
}
VILLAGES = [
    "高石",
    "永胜",
    "红岩",
    "新华",
    "团结",
    "光明",
    "双龙",
    "白鹤",
    "石桥",
    "桂花",
    "竹林",
    "金鸡",
    "大田",
    "花园",
]
_BANKS = ("622848", "621799", "621700", "623059")


def id_number(rng: random.Random, region: str, born: date) -> str:
    """A resident ID number for someone born on ``born`` in ``region``, check digit included."""
    first17 = f"{region}{born:%Y%m%d}{rng.randint(1, 999):03d}"
    return first17 + check_character(first17)


def address(rng: random.Random, region: str | None = None) -> str:
    """``翠屏区李庄镇高石村3组``."""
    county, towns = REGIONS[region or rng.choice(list(REGIONS))]
    return f"{county}{rng.choice(towns)}{rng.choice(VILLAGES)}村{rng.randint(1, 12)}组"


def mobile(rng: random.Random) -> str:
    """A plausible mobile number."""
    return rng.choice(("139", "138", "135", "158", "187", "199")) + f"{rng.randrange(10**8):08d}"


def applicant(rng: random.Random, today: date) -> dict[str, Any]:
    """A synthetic applicant: name, resident ID, phone and address in Yibin."""
    region = rng.choice(list(REGIONS))
    born = today - timedelta(days=rng.randint(18 * 365, 88 * 365))
    return {
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "id_type": "resident_id",
        "id_number": id_number(rng, region, born),
        "phone": mobile(rng),
        "address": address(rng, region),
    }


def field_value(rng: random.Random, f: FormField, today: date) -> Any:
    """A value that fits the field's type and label."""
    match f.type:
        case "number":
            return rng.randint(1, 6) if "人" in f.label else round(rng.uniform(1, 3000), 1)
        case "phone":
            return mobile(rng)
        case "date":
            return (today - timedelta(days=rng.randint(0, 60))).isoformat()
        case "choice":
            return rng.choice(f.options)
        case "id_number":
            return id_number(
                rng, rng.choice(list(REGIONS)), today - timedelta(days=rng.randint(3000, 30000))
            )
        case "address":
            return address(rng)
    if "银行" in f.label:
        return rng.choice(_BANKS) + f"{rng.randrange(10**13):013d}"
    if "姓名" in f.label:
        return rng.choice(SURNAMES) + rng.choice(GIVEN)
    return "家中主要劳动力患病，收入减少，生活困难"


def jpeg(kib: int, rng: random.Random) -> bytes:
    """A real JPEG file of ``kib`` KiB: a small noisy image padded with comment segments
    (exact to within 3 bytes, and never smaller than the image itself)."""
    from PIL import Image

    side = 16 if kib < 4 else 64
    pixels = bytes(rng.getrandbits(8) for _ in range(side * side * 3))
    out = BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, format="JPEG", quality=85)
    data = out.getvalue()
    segments = []
    need = kib * 1024 - len(data)
    while need >= 4:
        size = min(need, 65537)  # marker (2) + length field (2) + at most 65533 bytes
        if 0 < need - size < 4:
            size = need - 4
        segments.append(b"\xff\xfe" + struct.pack(">H", size - 2) + b" " * (size - 4))
        need -= size
    # Comment segments right after the start-of-image marker.
    return data[:2] + b"".join(segments) + data[2:]


def _applicable(catalogue: Catalogue) -> list[Item]:
    items = []
    for theme in catalogue.themes():
        for hit in catalogue.in_theme(theme.name):
            if not hit.is_bundle:
                items.append(catalogue.item(hit.code))
    return items


def seed_cases(
    cases: CaseService,
    catalogue: Catalogue,
    count: int,
    attachments: int = 0,
    attachment_kib: int = 50,
    seed: int = 467,
    batch: int = 50,
) -> list[str]:
    """Create and submit ``count`` kiosk cases, the first ``attachments`` with a JPEG each."""
    if attachments > count:
        raise ValueError("cannot have more cases with attachments than cases")
    rng = random.Random(seed)
    items = _applicable(catalogue)
    if not items:
        raise ValueError("the catalogue is empty")
    today = cases.clock.now().date()
    created: list[str] = []
    for start in range(0, count, batch):
        with cases.store.transaction():
            for n in range(start, min(count, start + batch)):
                item = rng.choice(items)
                form = {f.name: field_value(rng, f, today) for f in item.form}
                case_id = cases.new_draft(item.code, applicant(rng, today), form=form)
                for material in item.materials:
                    cases.check_material(case_id, material.code)
                if n < attachments and item.materials:
                    cases.attach(
                        case_id, item.materials[0].code, jpeg(attachment_kib, rng), "image/jpeg"
                    )
                cases.submit(case_id)
                created.append(case_id)
    return created
