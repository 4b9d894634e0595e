"""A synthetic catalogue: plausible, valid items in any number, for benchmarks and tests."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from kiosk.core.catalogue import THEME_ORDER

_TOPICS = (
    "养老保险",
    "医疗保险",
    "最低生活保障",
    "临时救助",
    "高龄津贴",
    "殡葬补贴",
    "残疾人证",
    "护理补贴",
    "户口迁移",
    "出生登记",
    "耕地地力保护补贴",
    "农机购置补贴",
    "危房改造",
    "宅基地审批",
    "社会保障卡",
    "异地就医备案",
    "就业登记",
    "职业技能培训补贴",
    "退役军人优待",
    "孤儿基本生活费",
    "计划生育奖励扶助",
    "林权登记",
    "渔业船舶登记",
    "取水许可",
    "小额贷款贴息",
)
_ACTIONS = (
    "申请",
    "登记",
    "变更",
    "注销",
    "补办",
    "审核确认",
    "申领",
    "备案",
    "查询",
    "转移接续",
)
_WHO = (
    "城乡居民",
    "农村",
    "困难群众",
    "老年人",
    "残疾人",
    "新生儿",
    "退役军人",
    "脱贫人口",
    "",
)


def synthetic_items(count: int = 5000, seed: int = 7) -> Iterator[dict[str, Any]]:
    """``count`` plausible, valid catalogue items for benchmarks and tests (deterministic for a seed)."""
    rng = random.Random(seed)
    themes = THEME_ORDER[:-1]
    for n in range(count):
        name = rng.choice(_WHO) + rng.choice(_TOPICS) + rng.choice(_ACTIONS)
        yield {
            "code": f"519900-{n // 100:04d}-{n % 100:02d}",
            "version": 1,
            "name": name,
            "department": "县" + rng.choice(("民政局", "医疗保障局", "农业农村局", "公安局")),
            "theme": rng.choice(themes),
            "audience": "person",
            "promised_days": rng.randint(1, 20),
            "legal_days": 20,
            "fee": "不收费",
            "agent_allowed": True,
            "reach": ["province"],
            "conditions": [f"符合{name}的有关规定", "本县户籍居民"],
            "materials": [
                {"code": "M01", "name": "居民身份证", "originals": 1, "copies": 0, "required": True}
            ],
            "form": [{"name": "phone", "label": "联系电话", "type": "phone", "required": True}],
            "bundle_items": [],
        }
