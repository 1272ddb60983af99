"""The sandbox's table of dossiers; column names are the API's field names."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, create_engine
from sqlalchemy.engine import Engine, make_url

metadata = MetaData()
dossiers = Table(
    "sandbox_dossiers",
    metadata,
    Column("MaHoSo", String(64), primary_key=True),
    Column("TrangThaiHoSo", String(8), nullable=False),
    Column("TenTTHC", String(300)),
    Column("DonViXuLy", String(300)),
    Column("SoDienThoaiDonVi", String(32)),
    Column("NgayNopHoSo", DateTime),
    Column("NgayTiepNhan", DateTime),
    Column("NgayHenTra", DateTime),
    Column("NgayKetThucXuLy", DateTime),
    Column("NgayTra", DateTime),
    Column("ChuHoSo", String(200)),
    Column("SoDienThoai", String(32)),
    Column("SoGiayTo", String(32)),
    Column("DiaChi", String(300)),
    Column("MaTraCuu", String(16)),
    Column("NoiDungYeuCauBoSung", Text),
    Column("HanBoSung", DateTime),
    Column("SoTienPhaiNop", Integer),
    Column("HinhThucNhanKetQua", String(8)),
)

DATE_COLUMNS = tuple(c.name for c in dossiers.columns if isinstance(c.type, DateTime))


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """An engine for ``url``; creates the SQLite directory and the table when needed."""
    parsed = make_url(url)
    kwargs: dict = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    metadata.create_all(engine, checkfirst=True)
    return engine
