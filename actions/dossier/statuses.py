"""The ten dossier statuses one-stop systems report to the National Public Service Portal.

Each status carries what a citizen needs: what it means in plain words, who holds the dossier
now, what to do next and which FAQ entries explain the next step. Province systems use their own
codes; ``onestop_default.yml`` (or the file in ``ONESTOP_CONFIG``) maps them to these keys.
"""

from __future__ import annotations

from dataclasses import dataclass

FAQ_SUPPLEMENT = "bo-sung-ho-so"
FAQ_PAYMENT = "thanh-toan-truc-tuyen"
FAQ_RESULT = "nhan-ket-qua"
FAQ_LOOKUP = "tra-cuu-ho-so"
FAQ_FEEDBACK = "phan-anh-kien-nghi"


@dataclass(frozen=True)
class Status:
    """One national dossier status and what it means for the citizen."""

    key: str
    number: int  # position in the national list (1–10)
    label: str  # the official wording, shown as is
    meaning: str
    holder: str  # which agency / step has the dossier now
    next_step: str
    faq_ids: tuple[str, ...] = ()
    finished: bool = False  # no more work by the agency on this dossier
    deadline_applies: bool = False  # the agency's clock runs: overdue can be computed


STATUSES: tuple[Status, ...] = (
    Status(
        key="moi_dang_ky",
        number=1,
        label="Mới đăng ký",
        meaning="Hồ sơ đã được gửi đi nhưng cán bộ chưa kiểm tra để tiếp nhận.",
        holder=(
            "Hồ sơ đang ở Bộ phận Một cửa (bộ phận tiếp nhận và trả kết quả) của cơ quan "
            "Anh/Chị đã nộp."
        ),
        next_step=(
            "Anh/Chị chờ cán bộ kiểm tra, thường trong 1–2 ngày làm việc, và theo dõi tin nhắn "
            "hoặc thư điện tử. Nếu hồ sơ cần sửa, cán bộ sẽ báo cho Anh/Chị."
        ),
        faq_ids=(FAQ_LOOKUP,),
    ),
    Status(
        key="duoc_tiep_nhan",
        number=2,
        label="Được tiếp nhận",
        meaning="Hồ sơ đã đủ giấy tờ và đã được tiếp nhận, có ngày hẹn trả kết quả.",
        holder="Bộ phận Một cửa đã chuyển hồ sơ cho cơ quan chuyên môn giải quyết.",
        next_step="Anh/Chị chưa cần làm gì thêm, chỉ cần chờ đến ngày hẹn trả kết quả.",
        deadline_applies=True,
    ),
    Status(
        key="khong_duoc_tiep_nhan",
        number=3,
        label="Không được tiếp nhận",
        meaning=(
            "Hồ sơ không được tiếp nhận, ví dụ vì không đúng nơi giải quyết hoặc chưa đủ "
            "điều kiện. Lý do có trong thông báo gửi cho Anh/Chị."
        ),
        holder="Bộ phận Một cửa đã trả lại hồ sơ.",
        next_step=(
            "Anh/Chị đọc lý do trong thông báo (tin nhắn, thư điện tử hoặc trên Cổng Dịch vụ "
            "công), chuẩn bị lại theo hướng dẫn rồi nộp hồ sơ mới."
        ),
        faq_ids=(FAQ_SUPPLEMENT,),
        finished=True,
    ),
    Status(
        key="dang_xu_ly",
        number=4,
        label="Đang xử lý",
        meaning="Cơ quan chuyên môn đang xem xét và giải quyết hồ sơ.",
        holder="Hồ sơ đang ở cơ quan, phòng chuyên môn giải quyết thủ tục.",
        next_step="Anh/Chị chưa cần làm gì thêm, chỉ cần chờ đến ngày hẹn trả kết quả.",
        deadline_applies=True,
    ),
    Status(
        key="yeu_cau_bo_sung",
        number=5,
        label="Yêu cầu bổ sung giấy tờ",
        meaning=(
            "Hồ sơ còn thiếu hoặc có giấy tờ chưa đúng. Cơ quan đang chờ Anh/Chị bổ sung; "
            "thời hạn giải quyết được tính lại khi nhận đủ giấy tờ."
        ),
        holder="Hồ sơ đang chờ Anh/Chị bổ sung.",
        next_step=(
            "Anh/Chị bổ sung đúng giấy tờ được yêu cầu, trực tuyến trên Cổng Dịch vụ công "
            "(mục quản lý hồ sơ đã nộp) hoặc tại Bộ phận Một cửa nơi đã nộp."
        ),
        faq_ids=(FAQ_SUPPLEMENT,),
    ),
    Status(
        key="yeu_cau_nghia_vu_tai_chinh",
        number=6,
        label="Yêu cầu thực hiện nghĩa vụ tài chính",
        meaning=(
            "Anh/Chị cần nộp phí, lệ phí hoặc tiền thuế của thủ tục thì hồ sơ mới được "
            "giải quyết tiếp hoặc trả kết quả."
        ),
        holder="Hồ sơ đang chờ Anh/Chị nộp tiền.",
        next_step=(
            "Anh/Chị nộp tiền trực tuyến trên Cổng Dịch vụ công (thanh toán trực tuyến) hoặc "
            "tại nơi đã nộp hồ sơ, rồi giữ lại biên lai."
        ),
        faq_ids=(FAQ_PAYMENT,),
    ),
    Status(
        key="cong_dan_rut_ho_so",
        number=7,
        label="Công dân yêu cầu rút hồ sơ",
        meaning="Người nộp đã đề nghị rút hồ sơ, nên hồ sơ không được giải quyết tiếp.",
        holder="Bộ phận Một cửa đã dừng và trả lại hồ sơ.",
        next_step=(
            "Nếu Anh/Chị không đề nghị rút hồ sơ, Anh/Chị liên hệ ngay cơ quan đã nhận hồ sơ. "
            "Nếu cần làm lại thủ tục, Anh/Chị nộp hồ sơ mới."
        ),
        finished=True,
    ),
    Status(
        key="dung_xu_ly",
        number=8,
        label="Dừng xử lý",
        meaning=(
            "Cơ quan đã dừng giải quyết hồ sơ, ví dụ vì không bổ sung giấy tờ đúng hạn hoặc "
            "không đủ điều kiện. Lý do có trong thông báo gửi cho Anh/Chị."
        ),
        holder="Cơ quan giải quyết thủ tục đã dừng hồ sơ.",
        next_step=(
            "Anh/Chị xem lý do trong thông báo. Nếu chưa rõ, Anh/Chị liên hệ cơ quan giải quyết; "
            "nếu vẫn cần làm thủ tục, Anh/Chị nộp hồ sơ mới."
        ),
        faq_ids=(FAQ_FEEDBACK,),
        finished=True,
    ),
    Status(
        key="da_xu_ly_xong",
        number=9,
        label="Đã xử lý xong",
        meaning="Hồ sơ đã giải quyết xong và đã có kết quả, đang chờ trả cho Anh/Chị.",
        holder="Kết quả đang ở Bộ phận Một cửa, chờ trả cho Anh/Chị.",
        next_step="Anh/Chị nhận kết quả theo cách đã đăng ký khi nộp hồ sơ.",
        faq_ids=(FAQ_RESULT,),
        finished=True,
    ),
    Status(
        key="da_tra_ket_qua",
        number=10,
        label="Đã trả kết quả",
        meaning="Kết quả đã được trả cho Anh/Chị; thủ tục đã hoàn tất.",
        holder="Hồ sơ đã hoàn tất.",
        next_step=(
            "Nếu Anh/Chị chưa nhận được kết quả, Anh/Chị liên hệ cơ quan đã nhận hồ sơ. "
            "Anh/Chị có thể đánh giá mức độ hài lòng trên Cổng Dịch vụ công."
        ),
        faq_ids=(FAQ_RESULT,),
        finished=True,
    ),
)

BY_KEY: dict[str, Status] = {status.key: status for status in STATUSES}

# How the result reaches the citizen (the one-stop system's value is mapped to these keys).
RESULT_METHODS: dict[str, str] = {
    "truc_tiep": (
        "nhận trực tiếp tại Bộ phận Một cửa; Anh/Chị mang theo giấy tiếp nhận hồ sơ và giấy tờ "
        "tùy thân"
    ),
    "buu_chinh": "nhận qua bưu điện tại địa chỉ Anh/Chị đã đăng ký; Anh/Chị chú ý nghe điện thoại",
    "truc_tuyen": (
        "nhận bản điện tử: Anh/Chị đăng nhập Cổng Dịch vụ công (hoặc VNeID) để xem và tải về"
    ),
}


def status(key: str) -> Status:
    """The status with this key; ``KeyError`` for an unknown key."""
    return BY_KEY[key]
