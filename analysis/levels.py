"""Government levels, from the top. Districts and counties are both county-level; so are zones
(开发区, 新区 … governed by a 管委会, not in the division codes), kept apart so that no mean over
districts or counties pools them; townships (乡, 镇, 街道) sit under them."""
from __future__ import annotations

LEVELS = ("national", "province", "city", "district", "county", "zone", "township")
#: Distance from the top of the hierarchy.
DEPTH = {"national": 0, "province": 1, "city": 2, "zone": 3, "district": 3, "county": 3, "township": 4}
#: The levels as the tables' column descriptions list them.
DESCRIPTION = " | ".join(LEVELS)
#: What a table's `parent` column holds.
PARENT = ("the government above a district, county or zone (its prefecture-level city) or a township (its county), "
          "else empty")
