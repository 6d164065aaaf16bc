"""A seeded, plausible demo business: a cosmetics direct seller with a catalogue every 3 weeks.

Why: the add-in, the tests and first-time users all need data whose effects are known. Units in
the generated ``history`` follow effects a planner expects (front pages and the cover sell more,
bigger slots sell more, discounts lift units with a product-specific elasticity, December
fragrance and summer suncare peaks, a level per country) plus negative-binomial noise, so a
forecaster has something real to learn and a test can check that it did.

``make_demo`` is pure (same seed, same tables). ``demo_workbook`` renders the tables as an xlsx a
planner can open. ``python -m engine.demo --out examples/folio-demo.xlsx`` writes that file.

Campaign ids are sortable strings ``"YYYY-NN"`` (NN = catalogue number within the year, 1-based);
each history row also carries its campaign's ``start_date`` (ISO text, a date cell in the
workbook), as planners' exports do: the forecast reads the cadence (17 campaigns a year) from it
on a history of any length, where ``YYYY-NN`` ids tell it only once a year is complete.
History rows with an empty ``page`` are products sold that campaign without being in the
catalogue (reorders, brochures): they sell much less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import os
import sys

import numpy as np
import pandas as pd

CATEGORIES: dict[str, dict] = {
    # share of the assortment, price range (EUR), base weekly pull, brands
    "skincare": {"share": 0.26, "price": (8, 59), "base": 70,
                 "brands": ["Lumiere", "Pure Petal", "Nordic Bloom", "Dermaline"]},
    "fragrance": {"share": 0.16, "price": (15, 79), "base": 45,
                  "brands": ["Elara", "Maison Mira", "Aurora"]},
    "make-up": {"share": 0.22, "price": (5, 32), "base": 80,
                "brands": ["Velvet Ivy", "Chroma", "Lumiere"]},
    "haircare": {"share": 0.13, "price": (4, 22), "base": 65,
                 "brands": ["Silkroot", "Nordic Bloom"]},
    "bodycare": {"share": 0.15, "price": (4, 26), "base": 75,
                 "brands": ["Pure Petal", "Sunkiss", "Silkroot"]},
    "accessories": {"share": 0.08, "price": (3, 30), "base": 35,
                    "brands": ["Folio Home", "Chroma"]},
}

NOUNS: dict[str, list[str]] = {
    "skincare": ["Day Cream", "Night Serum", "Eye Gel", "Cleansing Foam", "Toner", "Face Mask",
                 "SPF 50 Fluid", "Vitamin C Serum", "Hydra Mist", "Peeling"],
    "fragrance": ["Eau de Parfum", "Eau de Toilette", "Body Mist", "Parfum Roll-on",
                  "Gift Set", "Cologne"],
    "make-up": ["Lipstick", "Mascara", "Foundation", "Eyeliner", "Blush", "Nail Polish",
                "Concealer", "Lip Gloss", "Eyeshadow Palette", "Brow Pencil"],
    "haircare": ["Shampoo", "Conditioner", "Hair Oil", "Hair Mask", "Dry Shampoo"],
    "bodycare": ["Body Lotion", "Shower Gel", "Hand Cream", "Sun Spray SPF 30", "Body Scrub",
                 "After Sun Gel", "Deodorant", "Foot Balm"],
    "accessories": ["Makeup Bag", "Brush Set", "Hair Clips", "Mirror", "Sponge Duo",
                    "Travel Kit"],
}

ADJECTIVES = ["Rose", "Aqua", "Silk", "Gold", "Velvet", "Fresh", "Amber", "Pearl", "Berry",
              "Jasmine", "Matte", "Glow", "Cocoa", "Mint", "Oud", "Citrus", "Cashmere", "Lotus"]

COUNTRY_LEVEL = {"DE": 1.0, "FR": 0.8, "PL": 0.55, "IT": 0.7, "ES": 0.65, "UK": 0.9}
DISCOUNT_LEVELS = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
DISCOUNT_PROBS = np.array([0.5, 0.12, 0.14, 0.12, 0.08, 0.04])
NB_DISPERSION = 6.0  # gamma shape of the negative-binomial noise: variance = mu + mu^2 / 6
BASE_SPREAD = 0.55  # sd of a product's log popularity around its category-and-price level
ELASTICITY_RANGE = (1.0, 3.2)  # a product's units x exp(elasticity x discount), uniform in this range
CAMPAIGN_DAYS = 21
FIRST_CAMPAIGN = dt.date(2023, 1, 2)


def campaign_calendar(count: int) -> list[tuple[str, dt.date]]:
    """Sortable campaign ids ``YYYY-NN`` and start dates, one catalogue every three weeks."""
    out: list[tuple[str, dt.date]] = []
    number_in_year: dict[int, int] = {}
    for i in range(count):
        start = FIRST_CAMPAIGN + dt.timedelta(days=CAMPAIGN_DAYS * i)
        number_in_year[start.year] = number_in_year.get(start.year, 0) + 1
        out.append((f"{start.year}-{number_in_year[start.year]:02d}", start))
    return out


def _round_price(x: np.ndarray) -> np.ndarray:
    """Prices as a shop prints them: whole euros minus one cent."""
    return np.maximum(np.round(x) - 0.01, 1.99)


def prior_base(category: str, price: float) -> float:
    """A product's popularity before its own lognormal draw: its category's pull, lower for dearer
    items (what its category and price alone say about it)."""
    spec = CATEGORIES[category]
    return spec["base"] * (spec["price"][0] / price) ** 0.35 * 2.2


def _make_products(rng: np.random.Generator, count: int, prefix: str = "P") -> pd.DataFrame:
    """The assortment: ids, names, category, brand, price, unit cost and hidden effect sizes."""
    names = list(CATEGORIES)
    shares = np.array([CATEGORIES[c]["share"] for c in names])
    cats = rng.choice(names, size=count, p=shares / shares.sum())
    rows = []
    for i, cat in enumerate(cats):
        spec = CATEGORIES[cat]
        lo, hi = spec["price"]
        price = float(_round_price(np.array([math.exp(rng.uniform(math.log(lo), math.log(hi)))]))[0])
        noun = str(rng.choice(NOUNS[cat]))
        brand = str(rng.choice(spec["brands"]))
        suncare = ("SPF" in noun) or ("Sun" in noun)
        # Popularity: lognormal around the category base, lower for dearer items.
        base = prior_base(str(cat), price) * math.exp(rng.normal(0.0, BASE_SPREAD))
        rows.append({
            "product_id": f"{prefix}{i + 1:04d}",
            "name": f"{brand} {rng.choice(ADJECTIVES)} {noun}",
            "category": str(cat),
            "brand": brand,
            "price": price,
            "unit_cost": round(price * rng.uniform(0.22, 0.45), 2),
            "_base": base,
            "_elasticity": rng.uniform(*ELASTICITY_RANGE),  # units x exp(elasticity * discount)
            "_suncare": suncare,
        })
    return pd.DataFrame(rows)


def _seasonality(category: np.ndarray, suncare: np.ndarray, day_of_year: int) -> np.ndarray:
    """Multiplicative season effect per product for a campaign starting on ``day_of_year``."""
    angle = 2 * math.pi * day_of_year / 365.25
    mult = np.ones(len(category))
    # December peak for fragrance (and gifts in accessories), centred around 10 Dec.
    xmas = math.exp(-((((day_of_year - 344) + 182) % 365 - 182) / 22.0) ** 2)
    mult = np.where(category == "fragrance", 1.0 + 1.6 * xmas, mult)
    mult = np.where(category == "accessories", 1.0 + 0.8 * xmas, mult)
    # Summer peak (mid July) for suncare, a softer one for bodycare.
    summer = max(0.0, -math.cos(angle - 2 * math.pi * (196 - 182) / 365.25))
    mult = np.where(suncare, mult * (0.35 + 2.2 * summer), mult)
    mult = np.where((category == "bodycare") & ~suncare, mult * (1.0 + 0.25 * summer), mult)
    # Skincare slightly up in winter.
    mult = np.where(category == "skincare", mult * (1.0 + 0.12 * math.cos(angle)), mult)
    return mult


def _layout(rng: np.random.Generator, n_items: int) -> list[tuple[int, float, int]]:
    """(page, slot_size, featured) for ``n_items`` placements of one catalogue.

    The cover (page 1) holds one or two featured products; inner pages hold 4 to 8 slots, some
    with one hero slot of half a page. A few inner slots are featured as spotlights.
    """
    out: list[tuple[int, float, int]] = []
    cover = int(rng.integers(1, 3))
    for _ in range(cover):
        out.append((1, round(1.0 / cover, 3), 1))
    page = 1
    while len(out) < n_items:
        page += 1
        k = int(rng.integers(4, 9))
        if rng.random() < 0.35:
            sizes = [0.5] + [round(0.5 / (k - 1), 3)] * (k - 1)
        else:
            sizes = [round(1.0 / k, 3)] * k
        for size in sizes:
            out.append((page, size, int(rng.random() < 0.012)))
    return out[:n_items]


def _page_effect(page: np.ndarray, n_pages: int) -> np.ndarray:
    """Front pages sell more; the back cover a little more than the middle."""
    front = 1.0 + 1.1 * np.exp(-(page - 1) / 5.0)
    back = np.where(page == n_pages, 1.25, 1.0)
    return front * back


def _expected_units(prod: pd.DataFrame, idx: np.ndarray, level: float, season: np.ndarray,
                    page: np.ndarray, slot_size: np.ndarray, featured: np.ndarray,
                    discount: np.ndarray, n_pages: int) -> np.ndarray:
    base = prod["_base"].to_numpy()[idx] * level * season[idx]
    placed = base * _page_effect(page, n_pages) * (slot_size / 0.2) ** 0.55
    placed *= np.where(featured == 1, 1.9, 1.0)
    placed *= np.exp(prod["_elasticity"].to_numpy()[idx] * discount)
    return placed


def _history(rng: np.random.Generator, prod: pd.DataFrame, countries: tuple[str, ...],
             campaigns: int) -> pd.DataFrame:
    n = len(prod)
    category = prod["category"].to_numpy()
    suncare = prod["_suncare"].to_numpy()
    frames = []
    for c_index, (campaign, start) in enumerate(campaign_calendar(campaigns)):
        season = _seasonality(category, suncare, start.timetuple().tm_yday)
        trend = 1.0 + 0.004 * c_index
        for country in countries:
            level = COUNTRY_LEVEL.get(country, 0.7) * trend
            # Roughly 70 % of the range is in the catalogue, chosen with a tilt to popular items.
            weights = prod["_base"].to_numpy() ** 0.5
            n_in = int(n * rng.uniform(0.62, 0.74))
            chosen = rng.choice(n, size=n_in, replace=False, p=weights / weights.sum())
            layout = _layout(rng, n_in)
            page = np.array([p for p, _, _ in layout], dtype=float)
            size = np.array([s for _, s, _ in layout])
            feat = np.array([f for _, _, f in layout])
            disc = rng.choice(DISCOUNT_LEVELS, size=n_in, p=DISCOUNT_PROBS)
            n_pages = int(page.max())
            mu = _expected_units(prod, chosen, level, season, page, size, feat, disc, n_pages)
            # Off-catalogue sales for a random part of the rest: a small reorder trickle.
            rest = np.setdiff1d(np.arange(n), chosen)
            off = rng.choice(rest, size=int(len(rest) * 0.5), replace=False)
            mu_off = prod["_base"].to_numpy()[off] * level * season[off] * 0.18
            idx = np.concatenate([chosen, off])
            mu_all = np.concatenate([mu, mu_off])
            units = rng.poisson(rng.gamma(NB_DISPERSION, mu_all / NB_DISPERSION))
            frames.append(pd.DataFrame({
                "campaign": campaign,
                "start_date": start.isoformat(),
                "country": country,
                "product_id": prod["product_id"].to_numpy()[idx],
                "category": category[idx],
                "brand": prod["brand"].to_numpy()[idx],
                "price": prod["price"].to_numpy()[idx],
                "discount": np.concatenate([disc, np.zeros(len(off))]),
                "page": np.concatenate([page, np.full(len(off), np.nan)]),
                "slot_size": np.concatenate([size, np.full(len(off), np.nan)]),
                "featured": np.concatenate([feat, np.zeros(len(off), dtype=int)]),
                "units": units.astype(int),
            }))
    hist = pd.concat(frames, ignore_index=True)
    return hist.sort_values(["campaign", "country", "page", "product_id"],
                            na_position="last", kind="stable").reset_index(drop=True)


def _candidates(rng: np.random.Generator, prod: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Products for the next catalogue (most of the range, a few dropped, a few launches), and
    the launches with their hidden effect sizes (for the truth)."""
    keep = prod.sample(frac=0.94, random_state=int(rng.integers(1 << 31))).sort_index()
    launches = _make_products(rng, 8, prefix="N")
    cand = pd.concat([keep, launches], ignore_index=True)
    cols = ["product_id", "name", "category", "brand", "price", "unit_cost"]
    out = cand[cols].copy()
    out["must_include"] = 0
    # Launches must be shown, plus a couple of strategic lines.
    must = list(out.index[out["product_id"].str.startswith("N")][:4])
    must += list(rng.choice(out.index[:len(keep)], size=2, replace=False))
    out.loc[must, "must_include"] = 1
    out["max_units"] = np.nan
    limited = rng.choice(out.index, size=max(1, len(out) // 15), replace=False)
    out.loc[limited, "max_units"] = rng.integers(40, 400, size=len(limited)).astype(float)
    return out.reset_index(drop=True), launches


def _slots(pages: int = 24, per_page: int = 6) -> pd.DataFrame:
    """The next catalogue's layout: a cover with two featured slots, some hero pages."""
    rows = []
    for page in range(1, pages + 1):
        hero = page == 1 or page % 4 == 0
        for slot in range(1, per_page + 1):
            if hero:
                size = 0.5 if slot == 1 else round(0.5 / (per_page - 1), 3)
            else:
                size = round(1.0 / per_page, 3)
            rows.append({"page": page, "slot": slot, "slot_size": size,
                         "featured": int(page == 1 and slot <= 2)})
    return pd.DataFrame(rows)


def _category_limits(cand: pd.DataFrame, n_slots: int) -> pd.DataFrame:
    """Min/max products per category, feasible for the candidates and the number of slots."""
    share = {c: CATEGORIES[c]["share"] for c in CATEGORIES}
    counts = cand["category"].value_counts()
    rows = []
    for cat in CATEGORIES:
        avail = int(counts.get(cat, 0))
        lo = min(avail, int(n_slots * share[cat] * 0.6))
        hi = min(avail, max(lo, int(math.ceil(n_slots * share[cat] * 1.6))))
        rows.append({"category": cat, "min": lo, "max": hi})
    return pd.DataFrame(rows)


def _generate(seed: int, countries: tuple[str, ...], campaigns: int, products: int):
    """The demo tables and the hidden effect sizes of every product (history and launches)."""
    if campaigns < 1 or products < 10 or not countries:
        raise ValueError("make_demo needs campaigns >= 1, products >= 10 and a country")
    rng = np.random.default_rng(seed)
    prod = _make_products(rng, products)
    history = _history(rng, prod, tuple(countries), campaigns)
    cand, launches = _candidates(rng, prod)
    slots = _slots()
    limits = _category_limits(cand, len(slots))
    tables = {"history": history, "products": cand, "slots": slots, "category_limits": limits}
    return tables, pd.concat([prod, launches], ignore_index=True)


def make_demo(seed: int = 7, countries: tuple[str, ...] = ("DE", "FR", "PL"),
              campaigns: int = 36, products: int = 300) -> dict[str, pd.DataFrame]:
    """The demo tables ``history``, ``products``, ``slots``, ``category_limits`` (pure, seeded)."""
    return _generate(seed, tuple(countries), campaigns, products)[0]


class DemoTruth:
    """The demo's true expected demand, from the hidden effect sizes the history was drawn from.

    ``expected_units(rows)`` gives, for history-like rows (``product_id``, ``country``, ``page``
    (empty = off the catalogue), ``slot_size``, ``featured``, ``discount`` and optionally
    ``campaign``), the mean of the negative-binomial draw the generator would make: exactly
    ``_expected_units`` (placed) or the off-catalogue trickle, with the campaign's season, trend
    and country level. Rows without a campaign (or with one after the history) are the NEXT
    catalogue: the campaign after the last one, laid out as the demo's ``slots`` table (its last
    page is the back cover). Every candidate is known, the 8 launches included.

    ``predict`` and ``countries_`` make it usable wherever the planner takes a model: a plan
    instance built with it holds the true value of every placement (engine.plan.instance).
    """

    def __init__(self, params: pd.DataFrame, countries: tuple[str, ...], campaigns: int,
                 history: pd.DataFrame, slots: pd.DataFrame):
        self.params = params.reset_index(drop=True)
        self.ids = pd.Index(self.params["product_id"].astype(str))
        self.countries_ = list(countries)
        self.campaigns = int(campaigns)
        self.calendar = campaign_calendar(campaigns + 1)
        self.index = {c: i for i, (c, _) in enumerate(self.calendar)}
        placed = history.dropna(subset=["page"])
        self.pages = placed.groupby(["campaign", "country"])["page"].max().astype(int).to_dict()
        self.next_pages = int(slots["page"].max())

    def _known(self, ids: np.ndarray) -> np.ndarray:
        idx = self.ids.get_indexer(ids)
        if (idx < 0).any():
            raise KeyError(f"the demo has no product {ids[idx < 0][0]!r}")
        return idx

    def expected_units(self, rows: pd.DataFrame) -> np.ndarray:
        """True expected units of each row (see the class docstring)."""
        ids = rows["product_id"].astype(str).to_numpy()
        idx = self._known(ids)
        n = len(rows)
        country = rows["country"].astype(str).to_numpy() if "country" in rows.columns \
            else np.full(n, self.countries_[0] if len(self.countries_) == 1 else "")
        if "country" not in rows.columns and len(self.countries_) != 1:
            raise ValueError("rows need a country column: the demo has several markets")
        campaign = rows["campaign"].to_numpy(dtype=object) if "campaign" in rows.columns \
            else np.full(n, None, dtype=object)
        position = np.array([self.index.get(c, self.campaigns) if c is not None else self.campaigns
                             for c in campaign])
        position = np.minimum(position, self.campaigns)
        page = pd.to_numeric(rows["page"], errors="coerce").to_numpy(dtype=float) if "page" in rows.columns \
            else np.full(n, np.nan)
        size = pd.to_numeric(rows.get("slot_size"), errors="coerce") if "slot_size" in rows.columns else None
        size = np.full(n, np.nan) if size is None else size.to_numpy(dtype=float)
        featured = pd.to_numeric(rows["featured"], errors="coerce").fillna(0).to_numpy(dtype=float) \
            if "featured" in rows.columns else np.zeros(n)
        discount = pd.to_numeric(rows["discount"], errors="coerce").fillna(0).to_numpy(dtype=float) \
            if "discount" in rows.columns else np.zeros(n)
        out = np.zeros(n)
        category = self.params["category"].to_numpy()
        suncare = self.params["_suncare"].to_numpy()
        for pos in np.unique(position):
            at = position == pos
            campaign_id, start = self.calendar[pos]
            season = _seasonality(category, suncare, start.timetuple().tm_yday)
            trend = 1.0 + 0.004 * pos
            for market in np.unique(country[at]):
                sel = at & (country == market)
                level = COUNTRY_LEVEL.get(market, 0.7) * trend
                n_pages = self.next_pages if pos == self.campaigns else self.pages[(campaign_id, market)]
                shown = sel & np.isfinite(page)
                if shown.any():
                    out[shown] = _expected_units(self.params, idx[shown], level, season,
                                                 page[shown], size[shown], featured[shown],
                                                 discount[shown], n_pages)
                off = sel & ~np.isfinite(page)
                out[off] = self.params["_base"].to_numpy()[idx[off]] * level * season[idx[off]] * 0.18
        return out

    def predict(self, rows: pd.DataFrame) -> np.ndarray:
        return self.expected_units(rows)


def demo_truth(seed: int = 7, countries: tuple[str, ...] = ("DE", "FR", "PL"), campaigns: int = 36,
               products: int = 300) -> tuple[dict[str, pd.DataFrame], DemoTruth]:
    """``make_demo``'s tables (the same, for the same arguments) and their :class:`DemoTruth`."""
    tables, params = _generate(seed, tuple(countries), campaigns, products)
    return tables, DemoTruth(params, tuple(countries), campaigns, tables["history"], tables["slots"])


# ----------------------------------------------------------------------------------------------
# The workbook a planner opens.

NUMBER_FORMATS = {
    "price": "#,##0.00 [$€-x-euro2]", "unit_cost": "#,##0.00 [$€-x-euro2]", "discount": "0%",
    "slot_size": "0.000", "units": "#,##0", "max_units": "#,##0", "start_date": "yyyy-mm-dd",
}
DATE_COLUMNS = frozenset({"start_date"})  # ISO text in the tables, date cells in the workbook

SHEET_NOTES = {
    "history": "Units sold per product, campaign and country (page empty = not in the catalogue; "
               "start_date = the campaign's first day).",
    "products": "Candidates for the next catalogue.",
    "slots": "Layout of the next catalogue: pages, slots, slot size, featured slots.",
    "category_limits": "How many products of each category the plan holds.",
}


def _cell_value(v):
    """A pandas/numpy scalar as a plain value openpyxl writes (NaN/NA -> empty)."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, np.generic):
        v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return None
    return v


def demo_workbook(tables: dict[str, pd.DataFrame]) -> bytes:
    """The tables as an xlsx: one sheet per table, styled frozen header, widths, formats.

    Uses openpyxl's write-only mode so the ~30k-row history writes in a couple of seconds.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="5B2C6F")
    for name, df in tables.items():
        ws = wb.create_sheet(title=name[:31])
        ws.freeze_panes = "A2"
        columns = [str(c) for c in df.columns]
        for j, col in enumerate(columns):
            values = [str(v) for v in df.iloc[:200, j].tolist()]
            width = max([len(col)] + [len(v) for v in values]) + 2
            ws.column_dimensions[get_column_letter(j + 1)].width = min(max(width, 8), 40)
        header = []
        for col in columns:
            cell = WriteOnlyCell(ws, value=col)
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(horizontal="center")
            header.append(cell)
        ws.append(header)
        formats = [NUMBER_FORMATS.get(col) for col in columns]
        dated = [col in DATE_COLUMNS for col in columns]
        for record in df.itertuples(index=False, name=None):
            row = []
            for value, fmt, is_date in zip(record, formats, dated):
                value = _cell_value(value)
                if is_date and isinstance(value, str):
                    value = dt.date.fromisoformat(value)
                if fmt is not None and value is not None:
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = fmt
                    row.append(cell)
                else:
                    row.append(value)
            ws.append(row)
    about = wb.create_sheet(title="about")
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 90
    about.append(["Folio demo data", "A made-up cosmetics direct seller; every effect is simulated."])
    for name in tables:
        about.append([name, SHEET_NOTES.get(name, "")])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """CLI: write the demo workbook (the only place in this module that touches a file)."""
    parser = argparse.ArgumentParser(description="Write the Folio demo workbook.")
    parser.add_argument("--out", default="examples/folio-demo.xlsx")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--campaigns", type=int, default=36)
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--countries", default="DE,FR,PL")
    args = parser.parse_args(argv)
    tables = make_demo(seed=args.seed, countries=tuple(args.countries.split(",")),
                       campaigns=args.campaigns, products=args.products)
    data = demo_workbook(tables)
    folder = os.path.dirname(args.out)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(args.out, "wb") as fh:
        fh.write(data)
    rows = ", ".join(f"{k}: {len(v)}" for k, v in tables.items())
    print(f"wrote {args.out} ({len(data):,} bytes; {rows})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
