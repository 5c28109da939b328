def test_small_fixed_point_values_print_without_exponents():
    from decimal import Decimal
    from fractions import Fraction

    from mutualise.counting.report import value_text

    assert value_text(Decimal("0E-9")) == "0.000000000"
    assert value_text(Decimal("1.5E-7")) == "0.00000015"
    assert "E" not in value_text(Fraction(1, 10**12))
