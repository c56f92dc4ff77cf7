"""import-places reads the files an office really has: Excel on Chinese Windows saves CSV in GBK
(GB18030 covers it), "CSV UTF-8" starts with a BOM; a bad line is answered in one line naming it,
never with a traceback."""

from __future__ import annotations

import codecs

import pytest
import sqlalchemy as sa

from happiness_fair.extensions import db

TEXT = "grid,grid_name,compound,building\r\n1,第1网格,幸福小区,1幢\r\n2,,幸福新村,12幢\r\n"


def _import(runner, path, community):
    return runner.invoke(args=["import-places", str(path), "--community", community])


def _buildings(app, community):
    from happiness_fair.places.models import Building, Community, Compound

    with app.app_context():
        db.session.rollback()
        return sorted(
            db.session.execute(
                sa.select(Compound.name, Building.name)
                .join(Compound, Building.compound_id == Compound.id)
                .join(Community, Building.community_id == Community.id)
                .where(Community.name == community)
            ).all()
        )


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (TEXT.encode("gb18030"), "as GB18030 (GBK): 2 rows"),
        (TEXT.encode("gbk"), "as GB18030 (GBK): 2 rows"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "as UTF-8 with BOM: 2 rows"),
        (TEXT.encode("utf-8"), "as UTF-8: 2 rows"),
    ],
    ids=["gb18030", "gbk-from-excel", "utf-8-bom", "utf-8"],
)
def test_excel_files_in_gbk_or_utf8_with_a_bom_are_read_and_say_how(
    app, database, runner, tmp_path, data, said
):
    path = tmp_path / "幸福社区.csv"
    path.write_bytes(data)
    result = _import(runner, path, "编码社区")
    assert result.exit_code == 0, result.output
    assert said in result.output
    assert _buildings(app, "编码社区") == [("幸福小区", "1幢"), ("幸福新村", "12幢")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # A field opened with a quote that never closes (strict CSV).
        (
            'grid,compound,building\n1,幸福小区,1幢\n2,"幸福新村,1幢\n'.encode(),
            'line 3: a quote (") opened on this line is never closed',
        ),
        (
            'grid,compound,building\n1,幸福小区,"1幢"号\n'.encode(),
            "line 2: ',' expected after '\"'",
        ),
        (
            "grid,compound,building\n1,幸福小区,1幢\n2,幸福新村,1幢,多余\n".encode(),
            "line 3: 4 fields",
        ),
        # A UTF-8 file with one damaged byte on its third line: not mistaken for GBK.
        (
            "grid,compound,building\n1,幸福小区,1幢\n".encode() + b"2,\xff\xfe,1\n",
            "line 3: not valid UTF-8",
        ),
        (
            b"grid,compound,building\n1,\x80\xff,1\n",
            "line 2: the file is neither UTF-8 nor GB18030",
        ),
        (b"grid,compound,building\n1,a\x00b,1\n", "line 2: a NUL byte"),
        (b"", "line 1: the file is empty"),
        # A blank line before the bad one still counts as a line of the file.
        (
            "grid,compound,building\n\n1,幸福小区,\n".encode("gb18030"),
            "line 3: compound and building",
        ),
    ],
    ids=[
        "open-quote",
        "stray-quote",
        "extra-field",
        "bad-utf8",
        "not-text",
        "nul",
        "empty",
        "blank",
    ],
)
def test_a_bad_line_is_named_in_one_line_and_nothing_is_saved(
    app, database, runner, tmp_path, data, message
):
    path = tmp_path / "places.csv"
    path.write_bytes(data)
    result = _import(runner, path, "坏行社区")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0], result.output
    assert _buildings(app, "坏行社区") == []
