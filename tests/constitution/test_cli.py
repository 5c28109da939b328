"""`mutualise constitution check` and `explain` through the project's CLI dispatcher."""

from mutualise.cli import main
from mutualise.constitution import available_models, model_path

from .rulebook_text import BASE, edit, line_of


def test_check_every_model_exits_0_with_a_summary_line_each(capsys):
    paths = [str(p) for p in available_models().values()]
    assert main(["constitution", "check", *paths]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(paths)
    assert out[0].startswith(f"{paths[0]}: ok - ")


def test_check_reports_every_problem_one_per_line_and_exits_2(tmp_path, capsys):
    good = model_path("credit-union")
    bad = tmp_path / "rules.yaml"
    text = edit("total_seats: 9", "total_seats: 10")
    text = edit("method: scottish-stv", "method: stv", text)
    text = edit("    notice_clear_days: 14\n", "    notice_clear_days: fourteen\n", text)
    bad.write_text(text, encoding="utf-8")
    assert main(["constitution", "check", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{good}: ok - ")
    assert captured.err.splitlines() == [
        f"{bad}:{line_of('method: scottish-stv')} elections.method: expected one of "
        "'scottish-stv', 'ers97-stv', 'nhs-mer-stv', 'meek-stv', 'wigm-stv', 'fptp', "
        "'approval', 'irv' or 'referendum', got 'stv'",
        f"{bad}:{line_of('    notice_clear_days: 14')} meetings.agm.notice_clear_days: "
        "expected a whole number of days, got 'fourteen'",
    ]


def test_check_valid_base_rulebook(tmp_path, capsys):
    path = tmp_path / "rules.yaml"
    path.write_text(BASE, encoding="utf-8")
    assert main(["constitution", "check", str(path)]) == 0
    assert "Test Society" in capsys.readouterr().out


def test_explain_by_slug_and_by_file(capsys):
    assert main(["constitution", "explain", "supporters-trust"]) == 0
    by_slug = capsys.readouterr().out
    assert "There is no proxy voting." in by_slug
    assert "Example Town Supporters' Trust Limited" in by_slug
    assert main(["constitution", "explain", str(model_path("supporters-trust"))]) == 0
    assert capsys.readouterr().out == by_slug


def test_explain_unknown_slug_exits_2_and_lists_models(capsys):
    assert main(["constitution", "explain", "no-such-model"]) == 2
    err = capsys.readouterr().err
    assert "'no-such-model' is not a file" in err
    assert "housing-coop" in err


def test_explain_broken_file_exits_2_with_problems(tmp_path, capsys):
    path = tmp_path / "rules.yaml"
    path.write_text(edit("total_seats: 9", "total_seats: 10"), encoding="utf-8")
    assert main(["constitution", "explain", str(path)]) == 2
    assert f"{path}:{line_of('total_seats: 9')} bodies[0].total_seats" in capsys.readouterr().err


def test_schema_prints_json_schema_naming_every_section(capsys):
    import json

    assert main(["constitution", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert set(schema["required"]) >= {"organisation", "constituencies", "bodies", "meetings"}
    assert "Threshold" in schema["$defs"]
