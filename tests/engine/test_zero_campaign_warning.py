"""A campaign whose every row sold 0 units gets a dataset warning at its first units cell
(engine.data.zero_campaigns): through the API such a history planned with a range far below
its expected value and nothing said why."""

from engine.data.tables import read_tables


def tables(units_by_campaign):
    rows = [[c, p, u] for c, units in units_by_campaign.items() for p, u in zip("ABC", units)]
    return {"history": [["campaign", "product_id", "Units"]] + rows}


def zero_warnings(units_by_campaign):
    return [w for w in read_tables(tables(units_by_campaign)).warnings if "sold 0 units" in w.message]


def test_an_all_zero_campaign_is_warned_at_its_first_units_cell():
    (w,) = zero_warnings({"2024-01": [5, 3, 2], "2024-02": [0, 0, 0], "2024-03": [4, 1, 0]})
    assert w.table == "history" and w.row == 5 and w.column == "units" and w.cell == "C5"
    assert "'2024-02'" in w.message and "fill them in or remove" in w.message and "leaves it out" in w.message


def test_a_campaign_with_some_sales_or_a_history_of_nothing_sold_is_not_warned():
    assert zero_warnings({"2024-01": [5, 0, 0], "2024-02": [0, 0, 1]}) == []
    assert zero_warnings({"2024-01": [0, 0, 0], "2024-02": [0, 0, 0]}) == []  # insufficient_data's case
    assert zero_warnings({"2024-01": [0, 0, 0]}) == []
