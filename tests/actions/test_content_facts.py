"""Facts corrected in the content review of 2026-12-07 (docs/content-review.md).

Each question is typed as a citizen would (with and without diacritics) and answered by the real
actions over the bundled knowledge base; the reply must carry the corrected fact and must not carry
the old one. The printable checklist is rendered from the same records. A value still in doubt is
never printed as an amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from harness import Conversation

from bot.web.checklist import render_checklist

REVIEW_DAY = date(2026, 12, 7)  # the day of the review; answers are given as on that day


@dataclass(frozen=True)
class Fact:
    """A question, the procedure it is about, what the answer must and must not say."""

    name: str
    questions: tuple[str, str]  # with diacritics, without
    intent: str
    procedure: str
    present: tuple[str, ...]
    absent: tuple[str, ...]


FACTS = [
    Fact(
        "ly-lich-tu-phap-where",
        ("làm lý lịch tư pháp nộp ở đâu", "lam ly lich tu phap nop o dau"),
        "ask_where",
        "ly-lich-tu-phap",
        ("Cơ quan giải quyết: Công an tỉnh, thành phố nơi Anh/Chị thường trú",),
        ("Cơ quan giải quyết: Sở Tư pháp", "Nộp tại Sở Tư pháp", "đến Sở Tư pháp"),
    ),
    Fact(
        "ly-lich-tu-phap-steps",
        ("các bước xin lý lịch tư pháp", "cac buoc xin ly lich tu phap"),
        "ask_steps",
        "ly-lich-tu-phap",
        ("hoặc nộp tại Công an tỉnh, thành phố", "phiếu giấy tại Công an tỉnh, thành phố"),
        ("hoặc nộp tại Sở Tư pháp", "phiếu giấy tại Sở Tư pháp"),
    ),
    Fact(
        "ly-lich-tu-phap-phieu-so-2",
        ("ai được làm lý lịch tư pháp số 2", "ai duoc lam ly lich tu phap so 2"),
        "ask_eligibility",
        "ly-lich-tu-phap",
        ("không cơ quan, tổ chức nào được yêu cầu Anh/Chị nộp Phiếu số 2",),
        ("thường dùng khi xin việc",),
    ),
    Fact(
        "ly-lich-tu-phap-fee-in-doubt",
        ("lý lịch tư pháp mất bao nhiêu tiền", "ly lich tu phap mat bao nhieu tien"),
        "ask_fee",
        "ly-lich-tu-phap",
        ("Lệ phí đang được cán bộ kiểm tra lại nên tôi chưa nêu", "https://congan.laichau.gov.vn/"),
        ("200.000", "100.000", "5.000 đồng"),
    ),
    Fact(
        "can-cuoc-fee",
        ("đổi căn cước hết bao nhiêu tiền", "doi can cuoc het bao nhieu tien"),
        "ask_fee",
        "cap-doi-cap-lai-the-can-cuoc",
        (
            "Đến hết ngày 31/12/2026: đổi thẻ Căn cước công dân sang thẻ căn cước 15.000 đồng",
            "đổi thẻ căn cước 25.000 đồng",
            "cấp lại 35.000 đồng",
            "Từ ngày 01/01/2027: Đổi thẻ Căn cước công dân sang thẻ căn cước 30.000 đồng",
            "đổi thẻ căn cước 50.000 đồng; cấp lại 70.000 đồng",
        ),
        (
            "có thể thấp hơn nộp trực tiếp",
            "Cấp đổi: 50.000 đồng/thẻ",
            "Không thu khi đổi thẻ vì đến tuổi",
        ),
    ),
    Fact(
        "can-cuoc-biometrics",
        (
            "làm căn cước cho con có phải lấy vân tay không",
            "lam can cuoc cho con co phai lay van tay khong",
        ),
        "ask_eligibility",
        "cap-the-can-cuoc",
        ("Người từ đủ 6 tuổi phải đến trực tiếp", "Trẻ dưới 6 tuổi không phải thu nhận vân tay"),
        ("Người từ đủ 14 tuổi phải đến trực tiếp",),
    ),
    Fact(
        "ket-hon-documents",
        ("đăng ký kết hôn cần giấy tờ gì", "dang ky ket hon can giay to gi"),
        "ask_documents",
        "ket-hon",
        ("Tờ khai đăng ký kết hôn",),
        ("Giấy xác nhận tình trạng hôn nhân của bên", "quyết định ly hôn"),
    ),
    Fact(
        "ket-hon-lookup",
        ("điều kiện đăng ký kết hôn", "dieu kien dang ky ket hon"),
        "ask_eligibility",
        "ket-hon",
        ("không phải nộp Giấy xác nhận tình trạng hôn nhân", "tự tra cứu tình trạng hôn nhân"),
        (),
    ),
    Fact(
        "khai-sinh-no-marriage-certificate",
        ("làm giấy khai sinh cần giấy tờ gì", "lam giay khai sinh can giay to gi"),
        "ask_documents",
        "khai-sinh",
        ("Giấy chứng sinh",),
        ("Giấy chứng nhận kết hôn của cha mẹ",),
    ),
    Fact(
        "ho-chieu-online-fee",
        ("lệ phí làm hộ chiếu online bao nhiêu", "le phi lam ho chieu online bao nhieu"),
        "ask_fee",
        "cap-ho-chieu",
        ("Cấp mới: 200.000 đồng/cuốn", "Cấp lại do bị mất hoặc hỏng: 400.000 đồng/cuốn"),
        ("có thể được giảm", "180.000", "100.000"),
    ),
    Fact(
        "doi-gplx-retest",
        (
            "đổi bằng lái xe quá hạn có phải thi lại không",
            "doi bang lai xe qua han co phai thi lai khong",
        ),
        "ask_eligibility",
        "doi-giay-phep-lai-xe",
        (
            "quá hạn dưới 01 năm phải sát hạch lại lý thuyết",
            "quá hạn từ 01 năm trở lên phải sát hạch lại lý thuyết và thực hành",
        ),
        ("có thể phải sát hạch lại",),
    ),
    Fact(
        "cap-lai-gplx-retest",
        (
            "cấp lại giấy phép lái xe bị mất đã hết hạn",
            "cap lai giay phep lai xe bi mat da het han",
        ),
        "ask_eligibility",
        "cap-lai-giay-phep-lai-xe",
        (
            "quá hạn dưới 01 năm phải sát hạch lại lý thuyết",
            "quá hạn từ 01 năm trở lên phải sát hạch lại lý thuyết và thực hành",
        ),
        ("có thể phải sát hạch lại",),
    ),
    Fact(
        "lien-thong-khai-sinh-vneid",
        ("liên thông khai sinh làm online thế nào", "lien thong khai sinh lam online the nao"),
        "ask_online",
        "lien-thong-khai-sinh",
        ("Nộp trên ứng dụng VNeID (mục Thủ tục hành chính",),
        (),
    ),
    Fact(
        "lien-thong-khai-sinh-time-in-doubt",
        ("liên thông khai sinh mất bao lâu", "lien thong khai sinh mat bao lau"),
        "ask_processing_time",
        "lien-thong-khai-sinh",
        ("Thời gian giải quyết đang được cán bộ kiểm tra lại nên tôi chưa nêu",),
        ("tối đa 07 ngày làm việc",),
    ),
    Fact(
        "mai-tang-age",
        (
            "điều kiện nhận tiền mai táng cho người già",
            "dieu kien nhan tien mai tang cho nguoi gia",
        ),
        "ask_eligibility",
        "tro-cap-mai-tang",
        ("người từ đủ 75 tuổi không có lương hưu",),
        ("người từ đủ 80 tuổi không có lương hưu",),
    ),
    Fact(
        "thuong-tru-fee-in-doubt",
        ("lệ phí đăng ký thường trú", "le phi dang ky thuong tru"),
        "ask_fee",
        "dang-ky-thuong-tru",
        ("Lệ phí đang được cán bộ kiểm tra lại nên tôi chưa nêu",),
        ("20.000 đồng", "10.000 đồng"),
    ),
]


def _cases():
    for fact in FACTS:
        for marks, question in zip(("dau", "khong-dau"), fact.questions, strict=True):
            yield pytest.param(fact, question, id=f"{fact.name}-{marks}")


@pytest.mark.parametrize(("fact", "question"), _cases())
def test_reply_states_the_corrected_fact(conversation: Conversation, fact: Fact, question: str):
    conversation.today = REVIEW_DAY
    turn = conversation.say(question, fact.intent)
    assert turn.slots.get("procedure_id") == fact.procedure, turn.text
    for expected in fact.present:
        assert expected in turn.text, f"missing {expected!r} in:\n{turn.text}"
    for old in fact.absent:
        assert old not in turn.text, f"old fact {old!r} still in:\n{turn.text}"


CHECKLISTS = {
    "ly-lich-tu-phap": (
        ("Công an tỉnh, thành phố nơi Anh/Chị thường trú", "16/2025/TT-BTC", "06/2024/TT-BTP"),
        ("Sở Tư pháp tỉnh", "Nộp tại Sở Tư pháp", "Mẫu số 03/2013", "244/2016/TT-BTC", "200.000"),
    ),
    "cap-doi-cap-lai-the-can-cuoc": (
        ("73/2024/TT-BTC", "64/2025/TT-BTC", "58/2026/NĐ-CP", "35.000 đồng"),
        ("59/2019/TT-BTC", "có thể thấp hơn"),
    ),
    "cap-the-can-cuoc": (("73/2024/TT-BTC",), ("59/2019/TT-BTC",)),
    "ket-hon": (
        ("Tờ khai đăng ký kết hôn", "481/BTP-HTQTCT"),
        ("Giấy xác nhận tình trạng hôn nhân của bên", "quyết định ly hôn"),
    ),
    "cap-ho-chieu": (("400.000 đồng/cuốn",), ("có thể được giảm",)),
    "tro-cap-mai-tang": (("176/2025/NĐ-CP",), ()),
}


@pytest.mark.parametrize("procedure_id", sorted(CHECKLISTS))
def test_printable_checklist_states_the_corrected_fact(repo, procedure_id: str):
    procedure = repo.get_procedure(procedure_id)
    glossary = {
        item["document"]: repo.get_document(item["document"])
        for case in procedure["documents"]
        for item in case["items"]
    }
    page = render_checklist(procedure, glossary, "1900 0000", REVIEW_DAY)
    present, absent = CHECKLISTS[procedure_id]
    for expected in present:
        assert expected in page, f"missing {expected!r} on the {procedure_id} checklist"
    for old in absent:
        assert old not in page, f"old fact {old!r} still on the {procedure_id} checklist"
