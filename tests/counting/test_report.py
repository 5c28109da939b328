def test_small_fixed_point_values_print_without_exponents():
    from decimal import Decimal
    from fractions import Fraction

    from mutualise.counting.report import value_text

    assert value_text(Decimal("0E-9")) == "0.000000000"
    assert value_text(Decimal("1.5E-7")) == "0.00000015"
    assert "E" not in value_text(Fraction(1, 10**12))


def test_a_stored_result_without_the_method_name_prints_the_name_not_the_id():
    # The PDF notice prints report.to_text(election.result): a result stored before
    # "method_name" was in the JSON said "Method: nhs-mer-stv" (found by the attack review of
    # issue 12).
    from mutualise.counting import report
    from mutualise.counting.ballots import from_lists
    from mutualise.counting.methods import get_method

    result = get_method("nhs-mer-stv")(from_lists(["A", "B"], [[0], [0], [1]]), seed=1)
    data = report.to_dict(result)
    del data["method_name"]
    text = report.to_text(data)
    assert "Method: NHS Model Election Rules STV" in text
    assert "nhs-mer-stv" not in text
