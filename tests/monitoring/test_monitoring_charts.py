from participation.documents.charts import bar_chart, line_chart


def test_line_chart_svg_and_table_with_gaps():
    chart = line_chart("Employment rate", ["2019", "2020", "2021"], {"DE": [60, None, 62.5]})
    assert chart.line and "<svg" in chart.svg and "Line chart" in chart.summary
    assert 'role="img"' in chart.svg and "<script" not in chart.svg
    assert chart.rows == [("2019", ["60"]), ("2020", ["–"]), ("2021", ["62.5"])]
    assert "<table" in chart.table


def test_bar_chart_is_not_a_line():
    assert not bar_chart("x", ["a"], {"s": [1]}).line
