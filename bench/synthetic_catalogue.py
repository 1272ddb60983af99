"""A synthetic procedure catalogue the size of the national one (6,413 procedures).

Names are built from real fields (lĩnh vực), actions and objects of Vietnamese administrative
procedures, so the text the resolver indexes looks like the real catalogue: long names that share
many words, aliases without diacritics and with abbreviations, dossiers of 3–9 documents from a
shared glossary, several ways to submit, legal bases and a few liên thông groups.

    python bench/synthetic_catalogue.py --out var/bench/catalogue.json   # exchange JSON file
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from procedure_kb.bundle import Bundle  # noqa: E402
from procedure_kb.exchange import write_file  # noqa: E402
from procedure_kb.text import fold  # noqa: E402

NATIONAL_SIZE = 6413
SOURCE = "Synthetic record for benchmarks (bench/synthetic_catalogue.py); not a real procedure"
REVIEWED = date(2025, 11, 20)

# (field, level, agency, objects)
# fmt: off
FIELDS: list[tuple[str, str, str, list[str]]] = [
    ("Hộ tịch", "commune", "Ủy ban nhân dân cấp xã", [
        "khai sinh", "khai tử", "kết hôn", "nhận cha, mẹ, con", "giám hộ", "nuôi con nuôi",
        "thay đổi hộ tịch", "cải chính hộ tịch", "xác định lại dân tộc", "ly hôn ở nước ngoài",
        "trích lục hộ tịch", "xác nhận tình trạng hôn nhân",
    ]),
    ("Cư trú", "commune", "Công an cấp xã", [
        "thường trú", "tạm trú", "lưu trú", "tạm vắng", "tách hộ", "điều chỉnh thông tin cư trú",
        "xác nhận thông tin về cư trú",
    ]),
    ("Căn cước", "province", "Công an cấp tỉnh", [
        "thẻ căn cước", "giấy chứng nhận căn cước", "tài khoản định danh điện tử",
        "thông tin sinh trắc học", "căn cước điện tử",
    ]),
    ("Xuất nhập cảnh", "province", "Phòng Quản lý xuất nhập cảnh Công an cấp tỉnh", [
        "hộ chiếu phổ thông", "giấy thông hành", "thị thực", "thẻ tạm trú cho người nước ngoài",
        "thẻ thường trú cho người nước ngoài", "giấy miễn thị thực",
    ]),
    ("Đường bộ", "province", "Phòng Cảnh sát giao thông Công an cấp tỉnh", [
        "giấy phép lái xe", "đăng ký xe mô tô", "đăng ký xe ô tô", "biển số xe", "phù hiệu xe",
        "giấy phép xe tập lái", "chứng chỉ bồi dưỡng kiến thức pháp luật giao thông",
        "giấy phép kinh doanh vận tải bằng xe ô tô", "giấy phép liên vận",
    ]),
    ("Đất đai", "province", "Văn phòng đăng ký đất đai", [
        "giấy chứng nhận quyền sử dụng đất", "biến động đất đai", "chuyển mục đích sử dụng đất",
        "tách thửa đất", "hợp thửa đất", "giao đất", "cho thuê đất", "gia hạn sử dụng đất",
        "đính chính giấy chứng nhận", "thế chấp quyền sử dụng đất", "cung cấp thông tin đất đai",
    ]),
    ("Xây dựng", "province", "Sở Xây dựng", [
        "giấy phép xây dựng nhà ở riêng lẻ", "giấy phép xây dựng công trình",
        "giấy phép di dời công trình", "chứng chỉ hành nghề hoạt động xây dựng",
        "chứng chỉ năng lực hoạt động xây dựng", "thiết kế xây dựng triển khai sau thiết kế cơ sở",
        "báo cáo nghiên cứu khả thi đầu tư xây dựng",
    ]),
    ("Nhà ở", "province", "Sở Xây dựng", [
        "nhà ở xã hội", "chứng chỉ hành nghề môi giới bất động sản", "nhà ở công vụ",
        "thuê nhà ở cũ thuộc sở hữu nhà nước",
    ]),
    ("Thành lập và hoạt động doanh nghiệp", "province", "Sở Tài chính", [
        "doanh nghiệp tư nhân", "công ty trách nhiệm hữu hạn một thành viên",
        "công ty trách nhiệm hữu hạn hai thành viên trở lên", "công ty cổ phần",
        "công ty hợp danh", "chi nhánh doanh nghiệp", "văn phòng đại diện doanh nghiệp",
        "địa điểm kinh doanh",
    ]),
    ("Thành lập và hoạt động hộ kinh doanh", "commune", "Ủy ban nhân dân cấp xã", [
        "hộ kinh doanh", "thay đổi nội dung đăng ký hộ kinh doanh", "tạm ngừng kinh doanh",
    ]),
    ("Thương mại", "province", "Sở Công Thương", [
        "giấy phép kinh doanh bán lẻ rượu", "giấy phép bán lẻ sản phẩm thuốc lá",
        "giấy chứng nhận đủ điều kiện kinh doanh xăng dầu", "giấy phép kinh doanh karaoke",
        "giấy phép tổ chức hội chợ triển lãm thương mại", "giấy phép thành lập cơ sở bán lẻ",
        "chương trình khuyến mại",
    ]),
    ("Văn hóa", "province", "Sở Văn hóa, Thể thao và Du lịch", [
        "giấy phép tổ chức lễ hội", "giấy phép biểu diễn nghệ thuật",
        "giấy phép kinh doanh dịch vụ vũ trường", "giấy phép xuất khẩu di vật",
        "giấy phép triển lãm mỹ thuật", "giấy phép hoạt động thư viện",
    ]),
    ("Du lịch", "province", "Sở Văn hóa, Thể thao và Du lịch", [
        "thẻ hướng dẫn viên du lịch", "giấy phép kinh doanh dịch vụ lữ hành",
        "hạng cơ sở lưu trú du lịch", "điểm du lịch",
    ]),
    ("Giáo dục và Đào tạo", "province", "Sở Giáo dục và Đào tạo", [
        "văn bằng tốt nghiệp", "bản sao văn bằng chứng chỉ", "chuyển trường học sinh",
        "trường mầm non tư thục", "trung tâm ngoại ngữ tin học", "hoạt động dạy thêm học thêm",
        "công nhận trường đạt chuẩn quốc gia", "du học tự túc",
    ]),
    ("Y tế", "province", "Sở Y tế", [
        "chứng chỉ hành nghề khám bệnh chữa bệnh", "giấy phép hoạt động phòng khám",
        "chứng chỉ hành nghề dược", "giấy chứng nhận đủ điều kiện kinh doanh dược",
        "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "công bố sản phẩm thực phẩm",
        "giấy phép quảng cáo thực phẩm", "giấy chứng nhận sức khỏe",
    ]),
    ("Bảo hiểm xã hội", "province", "Bảo hiểm xã hội cấp tỉnh", [
        "bảo hiểm xã hội một lần", "lương hưu", "chế độ thai sản", "chế độ ốm đau",
        "trợ cấp tai nạn lao động", "sổ bảo hiểm xã hội", "thẻ bảo hiểm y tế",
        "bảo hiểm xã hội tự nguyện", "trợ cấp mai táng",
    ]),
    ("Việc làm", "province", "Trung tâm dịch vụ việc làm", [
        "trợ cấp thất nghiệp", "hỗ trợ học nghề", "giấy phép lao động cho người nước ngoài",
        "giấy phép hoạt động dịch vụ việc làm",
        "hợp đồng đưa người lao động đi làm việc ở nước ngoài",
    ]),
    ("Bảo trợ xã hội", "commune", "Ủy ban nhân dân cấp xã", [
        "trợ cấp xã hội hằng tháng", "hỗ trợ chi phí mai táng", "xác định mức độ khuyết tật",
        "hộ nghèo hộ cận nghèo", "trợ giúp xã hội khẩn cấp", "chăm sóc người cao tuổi",
    ]),
    ("Người có công", "province", "Sở Nội vụ", [
        "trợ cấp ưu đãi người có công", "giấy chứng nhận thân nhân liệt sĩ",
        "di chuyển hồ sơ người có công", "trợ cấp thờ cúng liệt sĩ", "điều dưỡng người có công",
    ]),
    ("Tư pháp", "province", "Sở Tư pháp", [
        "phiếu lý lịch tư pháp", "chứng thực bản sao từ bản chính", "chứng thực chữ ký",
        "chứng thực hợp đồng giao dịch", "thẻ công chứng viên", "văn phòng công chứng",
        "thẻ tư vấn viên pháp luật", "quốc tịch Việt Nam",
    ]),
    ("Thuế", "province", "Cơ quan thuế", [
        "mã số thuế cá nhân", "quyết toán thuế thu nhập cá nhân", "hoàn thuế", "miễn giảm thuế",
        "hóa đơn điện tử", "lệ phí trước bạ", "thuế sử dụng đất phi nông nghiệp",
    ]),
    ("Nông nghiệp", "province", "Sở Nông nghiệp và Môi trường", [
        "giấy chứng nhận kiểm dịch động vật", "giấy chứng nhận cơ sở an toàn dịch bệnh",
        "giấy phép khai thác thủy sản", "đăng ký tàu cá", "giấy chứng nhận vùng trồng",
        "chứng nhận trang trại", "giống cây trồng", "thuốc bảo vệ thực vật",
    ]),
    ("Môi trường", "province", "Sở Nông nghiệp và Môi trường", [
        "giấy phép môi trường", "báo cáo đánh giá tác động môi trường",
        "giấy phép khai thác khoáng sản", "giấy phép khai thác nước dưới đất",
        "giấy phép xả nước thải vào nguồn nước",
    ]),
    ("Giao thông đường thủy", "province", "Sở Xây dựng", [
        "đăng ký phương tiện thủy nội địa", "chứng chỉ chuyên môn thuyền viên",
        "giấy phép hoạt động bến thủy nội địa",
    ]),
    ("Thông tin và truyền thông", "province", "Sở Văn hóa, Thể thao và Du lịch", [
        "giấy phép thiết lập trang thông tin điện tử tổng hợp", "giấy phép xuất bản bản tin",
        "giấy phép hoạt động in", "giấy phép cung cấp trò chơi điện tử",
    ]),
    ("Tôn giáo", "province", "Sở Dân tộc và Tôn giáo", [
        "sinh hoạt tôn giáo tập trung", "tổ chức cuộc lễ ngoài cơ sở tôn giáo",
        "thành lập tổ chức tôn giáo trực thuộc",
    ]),
    ("Thi đua khen thưởng", "province", "Sở Nội vụ", [
        "bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "danh hiệu chiến sĩ thi đua",
        "danh hiệu gia đình văn hóa", "kỷ niệm chương",
    ]),
]
ACTIONS = [
    "Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Điều chỉnh", "Đăng ký", "Đăng ký thay đổi",
    "Xác nhận", "Công nhận", "Thu hồi", "Thẩm định", "Phê duyệt", "Chấp thuận", "Giải quyết",
    "Hủy bỏ", "Bổ sung", "Cung cấp thông tin về", "Tạm ngừng", "Chấm dứt",
]
QUALIFIERS = [
    "", "", "", " cho tổ chức", " cho cá nhân", " có yếu tố nước ngoài", " cho người nước ngoài",
    " trong khu công nghiệp", " do bị mất, bị hỏng", " khi thay đổi thông tin",
    " theo hình thức trực tuyến", " đối với doanh nghiệp nhỏ và vừa", " tại cơ quan đại diện",
    " cho người Việt Nam định cư ở nước ngoài", " thuộc thẩm quyền cấp tỉnh",
    " thuộc thẩm quyền cấp xã", " lần đầu", " trong trường hợp hết hạn",
]
COMMON_DOCUMENTS = [
    ("giay-to-tuy-than", "Giấy tờ tùy thân", ["chip_id", "vneid"]),
    ("anh-chan-dung", "Ảnh chân dung 4x6", []),
    ("ban-sao-giay-khai-sinh", "Bản sao Giấy khai sinh", ["population_db"]),
    ("giay-xac-nhan-cu-tru", "Giấy xác nhận thông tin về cư trú", ["population_db"]),
    ("giay-uy-quyen", "Văn bản ủy quyền", []),
    ("giay-chung-nhan-dang-ky-doanh-nghiep", "Giấy chứng nhận đăng ký doanh nghiệp", []),
    ("giay-kham-suc-khoe", "Giấy khám sức khỏe", []),
    ("chung-tu-nop-phi", "Chứng từ nộp phí, lệ phí", ["personal_data_store"]),
    ("ban-sao-van-bang", "Bản sao văn bằng, chứng chỉ", ["personal_data_store"]),
    ("so-do-vi-tri", "Sơ đồ vị trí", []),
    ("hop-dong-thue", "Hợp đồng thuê địa điểm", []),
    ("bao-cao-tai-chinh", "Báo cáo tài chính năm gần nhất", []),
]
DOCUMENT_TEMPLATES = [
    ("don-de-nghi", "Đơn đề nghị", "Mẫu đơn ban hành kèm Thông tư {n}/2025/TT-BCA"),
    ("to-khai", "Tờ khai", "Mẫu tờ khai ban hành kèm Thông tư {n}/2024/TT-BTP"),
    ("ban-thuyet-minh", "Bản thuyết minh", None),
    ("giay-chung-nhan-cu", "Giấy chứng nhận đã cấp", None),
]
LAWS = [
    ("60/2014/QH13", "Luật Hộ tịch", date(2014, 11, 20)),
    ("68/2020/QH14", "Luật Cư trú", date(2020, 11, 13)),
    ("26/2023/QH15", "Luật Căn cước", date(2023, 11, 27)),
    ("31/2024/QH15", "Luật Đất đai", date(2024, 1, 18)),
    ("50/2014/QH13", "Luật Xây dựng", date(2014, 6, 18)),
    ("59/2020/QH14", "Luật Doanh nghiệp", date(2020, 6, 17)),
    ("41/2024/QH15", "Luật Bảo hiểm xã hội", date(2024, 6, 29)),
    ("74/2025/QH15", "Luật Việc làm", date(2025, 6, 16)),
    ("36/2024/QH15", "Luật Trật tự, an toàn giao thông đường bộ", date(2024, 6, 27)),
    ("118/2025/NĐ-CP", "Nghị định về thực hiện thủ tục hành chính theo cơ chế một cửa", None),
    ("23/2015/NĐ-CP", "Nghị định về cấp bản sao, chứng thực", date(2015, 2, 16)),
]
ABBREVIATIONS = {
    "giấy phép": "gp",
    "giấy chứng nhận": "gcn",
    "đăng ký": "dk",
    "bảo hiểm xã hội": "bhxh",
    "bảo hiểm y tế": "bhyt",
    "quyền sử dụng đất": "qsdd",
    "chứng chỉ hành nghề": "cchn",
    "giấy phép lái xe": "gplx",
    "thẻ căn cước": "cccd",
}

# fmt: on


def slug(text: str) -> str:
    """Lower-case ASCII id from a Vietnamese name."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower())[:90].strip("-")


def _abbreviate(text: str) -> str:
    out = text.lower()
    for long, short in sorted(ABBREVIATIONS.items(), key=lambda kv: -len(kv[0])):
        out = out.replace(long, short)
    return out


def generate(size: int = NATIONAL_SIZE, seed: int = 2025) -> Bundle:
    """``size`` procedures plus glossary and a few FAQs; the same for the same seed."""
    rng = random.Random(seed)
    documents: dict[str, dict] = {}

    def glossary(doc_id: str, name: str, replaced_by: list[str], template: str | None) -> str:
        if doc_id not in documents:
            documents[doc_id] = {
                "id": doc_id,
                "name": name,
                "aliases": [fold(name).lower()],
                "what": f"{name} dùng trong hồ sơ thủ tục hành chính.",
                "issuer": "Cơ quan có thẩm quyền",
                "how_to_get": None,
                "template": template,
                "replaced_by": replaced_by,
                "source": SOURCE,
                "reviewed_at": REVIEWED,
                "needs_review": [],
            }
        return doc_id

    for doc_id, name, replaced in COMMON_DOCUMENTS:
        glossary(doc_id, name, replaced, None)

    combos = [
        (field, obj, action, qualifier)
        for field in FIELDS
        for obj in field[3]
        for action in ACTIONS
        for qualifier in QUALIFIERS
    ]
    rng.shuffle(combos)
    procedures: list[dict] = []
    seen_ids: set[str] = set()
    codes: set[str] = set()
    for (field, level, agency, _objects), obj, action, qualifier in combos:
        if len(procedures) >= size:
            break
        name = f"{action} {obj}{qualifier}"
        pid = slug(name)
        if pid in seen_ids:
            continue
        seen_ids.add(pid)
        code = f"{rng.choice('12')}.{rng.randrange(0, 10**6):06d}"
        while code in codes:
            code = f"{rng.choice('12')}.{rng.randrange(0, 10**6):06d}"
        codes.add(code)
        folded = fold(name).lower()
        aliases = sorted({folded, obj, fold(obj), f"{action.lower()} {obj}", _abbreviate(name)})
        keywords = [word for word in obj.split()[-2:] if len(word) > 2][:2]
        items = []
        prefix, label, template = rng.choice(DOCUMENT_TEMPLATES)
        form_id = glossary(
            slug(f"{prefix} {obj}"),
            f"{label} {obj}",
            [],
            template.format(n=rng.randrange(1, 80)) if template else None,
        )
        items.append(_item(form_id, documents[form_id]["name"], documents[form_id]["template"]))
        for doc_id, doc_name, replaced in rng.sample(COMMON_DOCUMENTS, rng.randint(2, 6)):
            items.append(_item(doc_id, doc_name, None, skip_if=list(replaced)))
        cases = [{"case": None, "items": items}]
        if rng.random() < 0.3:
            other = glossary(
                "giay-to-chung-minh-uu-tien", "Giấy tờ chứng minh thuộc diện ưu tiên", [], None
            )
            cases.append(
                {
                    "case": "Trường hợp thuộc diện được ưu tiên",
                    "items": [_item(other, "Giấy tờ chứng minh thuộc diện ưu tiên", None)],
                }
            )
        channels = ["in_person"] + rng.sample(["online", "post"], rng.randint(0, 2))
        days = rng.choice([0, 1, 3, 5, 7, 10, 15, 20, 30])
        fee = rng.choice([0, 0, 20_000, 50_000, 100_000, 200_000, 500_000, None])
        procedures.append(
            {
                "id": pid,
                "code": code,
                "name": name,
                "aliases": aliases,
                "keywords": keywords,
                "field": field,
                "level": level,
                "agency": agency,
                "summary": f"Thủ tục {name.lower()} thuộc lĩnh vực {field.lower()}.",
                "applicants": rng.choice(["Cá nhân", "Tổ chức", "Cá nhân, tổ chức"]),
                "conditions": [],
                "submission": [
                    {
                        "channel": channel,
                        "time_days": days,
                        "time_text": f"{days} ngày làm việc" if days else "Trong ngày",
                        "fee": "Miễn phí" if fee == 0 else (f"{fee:,} đồng" if fee else None),
                        "fee_vnd": fee,
                        "description": None,
                    }
                    for channel in channels
                ],
                "online_level": "full" if "online" in channels else "none",
                "portal_url": "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html",
                "steps": [
                    "Chuẩn bị hồ sơ theo quy định.",
                    f"Nộp hồ sơ tại {agency} hoặc trên Cổng Dịch vụ công quốc gia.",
                    "Nhận kết quả.",
                ],
                "documents": cases,
                "result": f"Kết quả giải quyết thủ tục {obj}.",
                "legal_basis": [
                    {"number": n, "title": t, "date": d} for n, t, d in rng.sample(LAWS, 2)
                ],
                "published_by": None,
                "local_variant": None,
                "interconnected_group": None,
                "members": [],
                "effective_from": date(2025, 7, 1),
                "effective_to": None,
                "status": "published" if rng.random() < 0.97 else "draft",
                "source": SOURCE,
                "reviewed_at": REVIEWED,
                "needs_review": [],
            }
        )
    if len(procedures) < size:
        raise ValueError(f"only {len(procedures)} distinct names; add actions or objects")
    _add_groups(procedures, rng)
    faqs = [
        {
            "id": f"hoi-dap-{i}",
            "question": f"Câu hỏi thường gặp số {i} về {field[0].lower()}?",
            "phrasings": [f"hỏi về {field[0].lower()}"],
            "answer": "Anh/Chị xem hướng dẫn trên Cổng Dịch vụ công quốc gia ạ.",
            "related_procedures": [],
            "status": "published",
            "source": SOURCE,
            "reviewed_at": REVIEWED,
            "needs_review": [],
        }
        for i, field in enumerate(FIELDS)
    ]
    return Bundle(procedures=procedures, documents=list(documents.values()), faqs=faqs)


def _item(doc_id: str, name: str, template: str | None, skip_if: list[str] | None = None) -> dict:
    return {
        "document": doc_id,
        "name": name,
        "template": template,
        "originals": 1,
        "copies": 0,
        "note": None,
        "skip_if": skip_if or [],
    }


def _add_groups(procedures: list[dict], rng: random.Random) -> None:
    """Turn ten procedures into liên thông groups of three members each."""
    free = [p for p in procedures if p["status"] == "published"]
    rng.shuffle(free)
    for n in range(10):
        group, members = free[4 * n], free[4 * n + 1 : 4 * n + 4]
        group["name"] = "Liên thông: " + " – ".join(m["name"] for m in members)
        group["members"] = [m["id"] for m in members]
        for member in members:
            member["interconnected_group"] = group["id"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "catalogue.json"))
    parser.add_argument("--procedures", type=int, default=NATIONAL_SIZE)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    bundle = generate(args.procedures, args.seed)
    write_file(bundle, args.out)
    print(f"wrote {bundle.counts()} to {args.out}")


if __name__ == "__main__":
    main()
