"""Candidates priced far beyond any price their product sold at get a warning at their price cell
(engine.data.prices): through the API, products at 10x their historical prices were planned to
12.8x the best campaign's revenue in the history, and nothing said the forecast was a guess."""

from engine.data.tables import read_tables


def tables(prices, *, header=("product_id", "price", "unit_cost")):
    history = [["campaign", "product_id", "units", "price"]]
    history += [[c, p, 10, price] for c in (1, 2, 3) for p, price in (("A", 10.0), ("B", 20.0 + c), ("C", 5.0))]
    products = [list(header)] + [[{"product_id": p, "price": prices[p], "unit_cost": 1.0}[h] for h in header]
                                 for p in prices]
    return {"history": history, "products": products}


def price_warnings(prices, **kw):
    return [w for w in read_tables(tables(prices, **kw)).warnings if w.column == "price"]


def test_a_price_beyond_twice_the_highest_or_below_half_the_lowest_is_warned_at_its_cell():
    warnings = price_warnings({"A": 100.0, "B": 25.0, "C": 2.0, "NEW": 999.0})
    assert [(w.table, w.row, w.cell) for w in warnings] == [("products", 2, "B2"), ("products", 4, "B4")]
    assert "price 100 of 'A' is 10x the highest price it sold at in the history (10)" in warnings[0].message
    assert "0.4x the lowest price it sold at in the history (5)" in warnings[1].message
    # B's 25 is within 2x of its 21-23, NEW has no history to compare with: no warning for them


def test_the_cell_follows_the_price_column_where_it_is():
    (warning,) = price_warnings({"A": 30.0}, header=("unit_cost", "product_id", "price"))
    assert warning.cell == "C2"


def test_prices_like_the_history_get_no_warning():
    assert price_warnings({"A": 12.0, "B": 40.0, "C": 3.0}) == []
