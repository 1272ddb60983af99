"""Wording of the dossier lookup, so it reads the same everywhere.

The answer's input is the safe view of a dossier (``records.public_view``: masked name, no phone,
ID number or address); its output is plain Vietnamese text and buttons that open the matching FAQ
entries. The form's questions and short replies (not found, locked, unavailable, cancelled) are
here too; ``actions/dossier_actions.py`` sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from actions.dossier.statuses import BY_KEY, RESULT_METHODS
from procedure_kb.working_days import Calendar, working_days_between

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
FAQ_BUTTON_TITLES = {
    "bo-sung-ho-so": "Cách bổ sung hồ sơ",
    "thanh-toan-truc-tuyen": "Cách nộp phí trực tuyến",
    "nhan-ket-qua": "Các cách nhận kết quả",
    "tra-cuu-ho-so": "Tự tra cứu hồ sơ",
    "phan-anh-kien-nghi": "Gửi phản ánh, kiến nghị",
}


@dataclass(frozen=True)
class Deadline:
    """Where the dossier stands against its due date, in working days."""

    due: date
    overdue: bool
    working_days: int  # overdue by (overdue) or left until the due date (not overdue)


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def format_date(day: date) -> str:
    """ "20/11/2026 (thứ Sáu)"."""
    return f"{day:%d/%m/%Y} ({WEEKDAYS[day.weekday()]})"


def format_money(amount: int) -> str:
    """ "1.250.000 đồng"."""
    return f"{amount:,}".replace(",", ".") + " đồng"


def deadline(
    view: dict[str, Any], today: date, calendar: Calendar | None = None
) -> Deadline | None:
    """The due-date position when the agency's clock runs for this status, else ``None``."""
    status = BY_KEY.get(view.get("status", ""))
    due = _day(view.get("due_at"))
    if status is None or due is None or not status.deadline_applies:
        return None
    if today > due:
        return Deadline(due, True, working_days_between(due, today, calendar))
    return Deadline(due, False, working_days_between(today, due, calendar))


def _deadline_line(position: Deadline) -> str:
    when = format_date(position.due)
    if position.overdue:
        if position.working_days:
            late = position.working_days
            return f"Ngày hẹn trả kết quả: {when}, đã quá hạn {late} ngày làm việc."
        return f"Ngày hẹn trả kết quả: {when}, đã quá ngày hẹn."
    if position.working_days == 0:
        return f"Ngày hẹn trả kết quả: hôm nay, {when}."
    return f"Ngày hẹn trả kết quả: {when}, còn {position.working_days} ngày làm việc."


def status_answer(
    view: dict[str, Any],
    today: date,
    hotline: str,
    calendar: Calendar | None = None,
) -> tuple[str, list[dict[str, str]]]:
    """The answer text and FAQ buttons for a verified dossier."""
    status = BY_KEY[view["status"]]
    title = f"Hồ sơ {view['code']}"
    if view.get("procedure_name"):
        title += f": {view['procedure_name']}"
    lines = [title + "."]
    if view.get("applicant"):
        lines.append(f"Người nộp: {view['applicant']}.")
    lines.append(f"Tình trạng: {status.label}. {status.meaning}")
    lines.append(status.holder)
    if view.get("agency_name"):
        lines.append(f"Cơ quan giải quyết: {view['agency_name']}.")

    position = deadline(view, today, calendar)
    if position:
        lines.append(_deadline_line(position))
    elif status.key in ("da_xu_ly_xong", "da_tra_ket_qua") and _day(view.get("finished_at")):
        lines.append(f"Ngày giải quyết xong: {format_date(_day(view['finished_at']))}.")

    if position and position.overdue:
        contact = view.get("agency_name") or "cơ quan đã nhận hồ sơ"
        phone = view.get("agency_phone")
        reach = f"{contact}, điện thoại {phone}," if phone else f"{contact} hoặc tổng đài {hotline}"
        lines.append("Chúng tôi thành thật xin lỗi Anh/Chị vì hồ sơ bị chậm so với ngày hẹn.")
        lines.append(
            f"Anh/Chị cần làm gì: Anh/Chị liên hệ {reach} để được giải thích và biết ngày trả "
            "kết quả mới. Theo quy định, cơ quan giải quyết chậm phải gửi Anh/Chị phiếu xin lỗi "
            "và hẹn lại ngày trả kết quả."
        )
    else:
        lines.append(f"Anh/Chị cần làm gì: {status.next_step}")
    if status.key == "yeu_cau_bo_sung":
        if view.get("supplement_note"):
            lines.append(f"Nội dung cần bổ sung: {view['supplement_note']}")
        deadline_day = _day(view.get("supplement_deadline"))
        if deadline_day:
            lines.append(f"Hạn bổ sung: {format_date(deadline_day)}.")
    if status.key == "yeu_cau_nghia_vu_tai_chinh" and view.get("fee_amount"):
        lines.append(f"Số tiền cần nộp: {format_money(int(view['fee_amount']))}.")
    method = RESULT_METHODS.get(view.get("result_method") or "")
    if method and status.key in ("da_xu_ly_xong", "dang_xu_ly", "duoc_tiep_nhan"):
        lines.append(f"Cách nhận kết quả Anh/Chị đã chọn: {method}.")

    buttons = [
        {"title": FAQ_BUTTON_TITLES[faq], "payload": f'/ask_faq{{"faq": "{faq}"}}'}
        for faq in status.faq_ids
        if faq in FAQ_BUTTON_TITLES
    ]
    buttons.append({"title": "Tra cứu hồ sơ khác", "payload": "/check_dossier_status"})
    return "\n".join(lines), buttons


def retry_minutes(seconds: int) -> int:
    """Whole minutes to tell the citizen (at least 1)."""
    return max(1, -(-int(seconds) // 60))


# --- questions and short replies of the lookup form --------------------------------------------

ASK_DOSSIER_CODE = (
    "Anh/Chị vui lòng nhập mã hồ sơ (số biên nhận), ví dụ: 000.00.01.H29-240115-0001. Mã in "
    "trên giấy tiếp nhận hồ sơ và hẹn trả kết quả, hoặc trong tin nhắn, thư điện tử của Cổng Dịch "
    'vụ công. Nếu không muốn tra cứu nữa, Anh/Chị gõ "thôi" ạ.'
)
ASK_VERIFICATION_FACTOR = (
    "Để bảo vệ thông tin cá nhân, Anh/Chị vui lòng nhập mã tra cứu in trên giấy tiếp nhận hồ sơ, "
    "hoặc 4 số cuối của số điện thoại đã đăng ký khi nộp hồ sơ ạ."
)
FACTOR_INVALID = (
    "Tôi chưa nhận ra thông tin xác minh. Anh/Chị nhập mã tra cứu (6 ký tự chữ và số, in trên "
    "giấy tiếp nhận) hoặc đúng 4 số cuối điện thoại, ví dụ: 5678 ạ."
)
LOOKUP_CANCELLED = (
    'Dạ, tôi đã dừng tra cứu hồ sơ. Khi cần, Anh/Chị gõ "tra cứu hồ sơ" để tra lại. '
    "Anh/Chị cần tôi giúp gì khác không ạ?"
)


def not_found(attempts_left: int) -> str:
    """No dossier matches code and factor (a wrong factor reads the same as an unknown code)."""
    return (
        "Tôi không tìm thấy hồ sơ nào khớp với mã hồ sơ và thông tin xác minh Anh/Chị vừa nhập. "
        "Anh/Chị kiểm tra lại giấy tiếp nhận hồ sơ rồi nhập lại từ mã hồ sơ nhé "
        f"(còn {attempts_left} lần thử)."
    )


def rate_limited(minutes: int, portal_url: str, hotline: str) -> str:
    """Too many failed verifications: the lookup is locked for ``minutes``."""
    return (
        "Thông tin xác minh đã bị nhập sai nhiều lần, nên để bảo vệ hồ sơ của người dân, việc "
        f"tra cứu mã hồ sơ này tạm khóa khoảng {minutes} phút. Anh/Chị có thể tra cứu trên "
        f"{portal_url} hoặc gọi tổng đài {hotline} ạ."
    )


def unavailable(portal_name: str, portal_url: str, hotline: str) -> str:
    """The one-stop system or the rate-limit store is down: apologise and say where else to look."""
    return (
        "Xin lỗi Anh/Chị, hệ thống tra cứu hồ sơ đang tạm thời gián đoạn nên tôi chưa xem được "
        f"hồ sơ. Anh/Chị có thể tra cứu trên {portal_name} ({portal_url}, mục Tra cứu hồ sơ) "
        f"hoặc gọi tổng đài {hotline}. Anh/Chị cần tôi giúp gì khác không ạ?"
    )
