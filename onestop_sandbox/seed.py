"""Demo dossiers: one in each national status, plus one overdue. Names and numbers are invented.

Codes, lookup codes and phone numbers are fixed (docs/dossier.md lists them); dates are counted
in working days from the day the sandbox starts, so "on time" and "overdue" stay true.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.engine import Engine

from onestop_sandbox.models import dossiers
from procedure_kb.working_days import add_working_days

WARD = "Bộ phận Một cửa UBND phường Cầu Giấy, Hà Nội"
WARD_PHONE = "024 3999 0101"
DISTRICT_LAND = "Chi nhánh Văn phòng đăng ký đất đai Hà Nội tại Cầu Giấy"
LAND_PHONE = "024 3999 0202"
JUSTICE = "Sở Tư pháp thành phố Hà Nội"
JUSTICE_PHONE = "024 3999 0303"


@dataclass(frozen=True)
class Demo:
    """One demo dossier; day offsets are working days relative to the seeding day."""

    code: str
    status: str  # the sandbox's status value ("1".."10")
    label: str  # for docs and tests: what the dossier shows
    procedure: str
    agency: str
    agency_phone: str
    name: str
    phone: str
    id_number: str
    address: str
    lookup_code: str
    submitted: int
    received: int | None = None
    due: int | None = None
    finished: int | None = None
    returned: int | None = None
    supplement_note: str | None = None
    supplement_deadline: int | None = None
    fee: int | None = None
    result_method: str | None = None  # "1" in person, "2" post, "3" electronic

    @property
    def phone_last4(self) -> str:
        return "".join(ch for ch in self.phone if ch.isdigit())[-4:]


DEMOS: tuple[Demo, ...] = (
    Demo(
        code="000.00.01.H29-261116-0001",
        status="1",
        label="Mới đăng ký",
        procedure="Đăng ký khai sinh",
        agency=WARD,
        agency_phone=WARD_PHONE,
        name="Nguyễn Thị Thu Trang",
        phone="0912 406 101",
        id_number="001190012301",
        address="Số 12 ngõ 45 phố Trần Thái Tông, phường Cầu Giấy, Hà Nội",
        lookup_code="KS7Q2M",
        submitted=-1,
        result_method="3",
    ),
    Demo(
        code="000.00.01.H29-261110-0002",
        status="2",
        label="Được tiếp nhận",
        procedure="Đăng ký thường trú",
        agency=WARD,
        agency_phone=WARD_PHONE,
        name="Trần Văn Hải",
        phone="0983 417 202",
        id_number="034088004502",
        address="Số 8 phố Dịch Vọng Hậu, phường Cầu Giấy, Hà Nội",
        lookup_code="TR4M8B",
        submitted=-3,
        received=-2,
        due=5,
        result_method="1",
    ),
    Demo(
        code="000.00.01.H29-261105-0003",
        status="3",
        label="Không được tiếp nhận",
        procedure="Đăng ký kết hôn",
        agency=WARD,
        agency_phone=WARD_PHONE,
        name="Lê Minh Tuấn",
        phone="0904 428 303",
        id_number="001093007803",
        address="Số 21 phố Nguyễn Khánh Toàn, phường Nghĩa Đô, Hà Nội",
        lookup_code="KH3N9C",
        submitted=-6,
        finished=-5,
    ),
    Demo(
        code="000.00.01.H29-261103-0004",
        status="4",
        label="Đang xử lý (còn hạn)",
        procedure="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        agency=WARD,
        agency_phone=WARD_PHONE,
        name="Phạm Thu Hà",
        phone="0936 439 404",
        id_number="001185009904",
        address="Số 5 ngõ 68 phố Cầu Giấy, phường Cầu Giấy, Hà Nội",
        lookup_code="XD5P4D",
        submitted=-9,
        received=-8,
        due=4,
        result_method="1",
    ),
    Demo(
        code="000.00.12.H29-261028-0005",
        status="5",
        label="Yêu cầu bổ sung giấy tờ",
        procedure="Đăng ký biến động đất đai (chuyển nhượng, tặng cho, thừa kế)",
        agency=DISTRICT_LAND,
        agency_phone=LAND_PHONE,
        name="Hoàng Văn Nam",
        phone="0975 440 505",
        id_number="001079001205",
        address="Số 17 phố Hoàng Quốc Việt, phường Nghĩa Đô, Hà Nội",
        lookup_code="BD6R5E",
        submitted=-11,
        received=-10,
        due=3,
        supplement_note=(
            "Bổ sung bản sao Giấy chứng nhận quyền sử dụng đất có chứng thực và văn bản đồng ý "
            "của đồng sở hữu. Ghi chú của cán bộ: người nộp là ông Hoàng Văn Nam, CCCD "
            "001079001205, điện thoại 0975 440 505."
        ),
        supplement_deadline=5,
        result_method="1",
    ),
    Demo(
        code="000.00.12.H29-261020-0006",
        status="6",
        label="Yêu cầu thực hiện nghĩa vụ tài chính",
        procedure="Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        agency=DISTRICT_LAND,
        agency_phone=LAND_PHONE,
        name="Vũ Thị Lan",
        phone="0868 451 606",
        id_number="001182006606",
        address="Số 3 ngõ 12 phố Mai Dịch, phường Cầu Giấy, Hà Nội",
        lookup_code="GC7S6F",
        submitted=-13,
        received=-12,
        due=8,
        fee=1_250_000,
        result_method="2",
    ),
    Demo(
        code="000.00.01.H29-261015-0007",
        status="7",
        label="Công dân yêu cầu rút hồ sơ",
        procedure="Đăng ký thành lập hộ kinh doanh",
        agency=WARD,
        agency_phone=WARD_PHONE,
        name="Đặng Quốc Bảo",
        phone="0347 462 707",
        id_number="001095003407",
        address="Số 40 phố Trần Quốc Vượng, phường Cầu Giấy, Hà Nội",
        lookup_code="HK8T7G",
        submitted=-16,
        received=-15,
        due=-12,
        finished=-14,
    ),
    Demo(
        code="000.00.01.H29-261008-0008",
        status="8",
        label="Dừng xử lý",
        procedure="Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        agency=WARD,
        agency_phone=WARD_PHONE,
        name="Bùi Thị Mai",
        phone="0394 473 808",
        id_number="001187005808",
        address="Số 9 phố Duy Tân, phường Cầu Giấy, Hà Nội",
        lookup_code="CC9U8H",
        submitted=-21,
        received=-20,
        due=-15,
        finished=-3,
    ),
    Demo(
        code="38.98.H29-261001-0009",
        status="9",
        label="Đã xử lý xong",
        procedure="Cấp Phiếu lý lịch tư pháp",
        agency=JUSTICE,
        agency_phone=JUSTICE_PHONE,
        name="Đỗ Đức Thắng",
        phone="0329 484 909",
        id_number="001091008909",
        address="Số 14 phố Tô Hiệu, phường Nghĩa Đô, Hà Nội",
        lookup_code="LL2V9K",
        submitted=-13,
        received=-12,
        due=1,
        finished=-1,
        result_method="1",
    ),
    Demo(
        code="000.00.01.H29-260925-0010",
        status="10",
        label="Đã trả kết quả",
        procedure="Cấp bản sao trích lục hộ tịch",
        agency=WARD,
        agency_phone=WARD_PHONE,
        name="Ngô Thanh Hương",
        phone="0356 495 010",
        id_number="001186000110",
        address="Số 2 phố Phạm Văn Đồng, phường Cổ Nhuế, Hà Nội",
        lookup_code="TL3W1M",
        submitted=-26,
        received=-25,
        due=-23,
        finished=-24,
        returned=-23,
        result_method="2",
    ),
    Demo(
        code="000.00.12.H29-261012-0011",
        status="4",
        label="Đang xử lý, quá hạn 3 ngày làm việc",
        procedure="Đăng ký biến động đất đai (chuyển nhượng, tặng cho, thừa kế)",
        agency=DISTRICT_LAND,
        agency_phone=LAND_PHONE,
        name="Dương Văn Hùng",
        phone="0389 406 111",
        id_number="001078002111",
        address="Số 30 phố Xuân Thủy, phường Cầu Giấy, Hà Nội",
        lookup_code="QH4X2N",
        submitted=-19,
        received=-18,
        due=-3,
        result_method="1",
    ),
)


def _at(today: date, offset: int | None, hour: int) -> datetime | None:
    if offset is None:
        return None
    return datetime.combine(add_working_days(today, offset), time(hour, 30))


def rows(today: date) -> list[dict[str, Any]]:
    """Table rows for the demo dossiers, dated relative to ``today``."""
    return [
        {
            "MaHoSo": d.code,
            "TrangThaiHoSo": d.status,
            "TenTTHC": d.procedure,
            "DonViXuLy": d.agency,
            "SoDienThoaiDonVi": d.agency_phone,
            "NgayNopHoSo": _at(today, d.submitted, 9),
            "NgayTiepNhan": _at(today, d.received, 8),
            "NgayHenTra": _at(today, d.due, 16),
            "NgayKetThucXuLy": _at(today, d.finished, 15),
            "NgayTra": _at(today, d.returned, 10),
            "ChuHoSo": d.name,
            "SoDienThoai": d.phone,
            "SoGiayTo": d.id_number,
            "DiaChi": d.address,
            "MaTraCuu": d.lookup_code,
            "NoiDungYeuCauBoSung": d.supplement_note,
            "HanBoSung": _at(today, d.supplement_deadline, 16),
            "SoTienPhaiNop": d.fee,
            "HinhThucNhanKetQua": d.result_method,
        }
        for d in DEMOS
    ]


def seed(engine: Engine, today: date) -> int:
    """Replace the demo dossiers (other rows are kept); returns how many were written."""
    data = rows(today)
    with engine.begin() as conn:
        conn.execute(delete(dossiers).where(dossiers.c.MaHoSo.in_([d.code for d in DEMOS])))
        conn.execute(insert(dossiers), data)
    return len(data)
