"""Certificates as plain functions: eligibility, codes, and the PDF read back (text and QR)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from bot.certificates import rules, texts
from bot.certificates.document import unprintable
from bot.certificates.pdf import render
from bot.i18n import I18n
from bot.models import Participant
from bot.schedule import Schedule, parse_schedule
from bot.storage.attendance import Record
from bot.storage.certificates import Certificate
from bot.viewer import Viewer

AFTER = datetime(2021, 10, 7, 12, tzinfo=UTC)  # the program is over
START = datetime(2021, 1, 1, tzinfo=UTC)
BOT = "sske_test_bot"


def person(group: str | None = "core", name: str = "Zoë N’Guessan", country: str = "CI",
           joined: datetime = START) -> Participant:
    return Participant(
        user_id=41, language="fr", country=country, zone="Africa/Abidjan", group=group,  # type: ignore[arg-type]
        first_name="Zoe", last_name=None, username=None, role="participant", onboarded=True,
        active=True, created_at=joined, updated_at=joined, display_name=name, joined_at=joined)


def attended(*numbers: int, status: str = "present") -> list[Record]:
    return [Record(41, n, status, START, status, "button", START) for n in numbers]


def standing(schedule: Schedule, p: Participant, records: list[Record],
             confirmed: str | None = None) -> rules.Standing:
    return rules.standing(schedule, p, records, confirmed, None, AFTER)


# eligibility: the membership rules through attendance progress


def test_exactly_at_the_threshold(schedule: Schedule) -> None:
    core = person()
    nine = standing(schedule, core, attended(*range(9)))  # 9 of 11: 80 % rounded up is 9
    assert (nine.progress.attended, nine.progress.total, nine.progress.needed) == (9, 11, 9)
    assert nine.state == "eligible"
    assert standing(schedule, core, attended(*range(8))).state == "not_eligible"
    late = attended(*range(8)) + attended(8, status="late")  # late still counts as attended
    assert standing(schedule, core, late).state == "eligible"


def test_facilitators_corrections_count(schedule: Schedule) -> None:
    core = person()
    # A correction to "present" (no check-in of their own) counts; one to "absent" does not.
    corrected = [*attended(*range(8)), Record(41, 9, "present", None, None, None, START)]
    assert standing(schedule, core, corrected).state == "eligible"
    undone = [*attended(*range(8)), Record(41, 9, "absent", START, "present", "button", START)]
    assert standing(schedule, core, undone).state == "not_eligible"


def test_wider_and_core_denominators(schedule: Schedule) -> None:
    wider = person(group="wider")
    four = standing(schedule, wider, attended(6, 7, 8, 9))  # 4 of the 5 sessions open to all
    assert (four.progress.attended, four.progress.total, four.state) == (4, 5, "eligible")
    assert standing(schedule, wider, attended(6, 7, 8)).state == "not_eligible"
    # Core-only sessions are not in the wider group's program: they add nothing.
    assert standing(schedule, wider, attended(0, 1, 2, 6, 7, 8)).progress.attended == 3
    assert standing(schedule, person(group=None), attended(*range(11))).state == "not_eligible"


def test_a_threshold_from_schedule_json(schedule: Schedule) -> None:
    data = schedule.model_dump(mode="json")
    data["checkin"]["certificate_threshold_percent"] = 50
    half = parse_schedule(data)
    assert standing(half, person(), attended(*range(6))).state == "eligible"  # 6 of 11
    assert standing(half, person(), attended(*range(5))).state == "not_eligible"


def test_confirmed_name_must_be_the_current_one(schedule: Schedule) -> None:
    core = person()
    records = attended(*range(9))
    assert standing(schedule, core, records, confirmed="Zoë N’Guessan").state == "confirmed"
    renamed = replace(core, display_name="Zoë Kouassi")
    assert standing(schedule, renamed, records, confirmed="Zoë N’Guessan").state == "eligible"


def test_tally_counts() -> None:
    s = rules.Tally(eligible=5, confirmed=3, issued=1, revoked=1, not_eligible=2)
    assert s.ready == 1


# codes


def test_codes_are_long_random_and_read_back_forgivingly() -> None:
    codes = {rules.new_code() for _ in range(200)}
    assert len(codes) == 200
    code = codes.pop()
    assert len(code) == 16 and set(code) <= set(rules.ALPHABET)  # 16 x 5 bits = 80 bits
    shown = rules.shown_code(code)
    assert shown.count("-") == 3
    assert rules.parse_code(shown.lower()) == code
    assert rules.parse_code(" ".join(shown.split("-"))) == code
    assert rules.parse_code("verify-" + code) == code
    assert rules.parse_code("0O1I" + "0" * 12) == "0011" + "0" * 12  # O and I read as 0 and 1
    assert rules.parse_code(code[:-1]) is None
    assert rules.parse_code(code + "0") is None
    assert rules.parse_code("ÀBCD" + code[4:]) is None
    assert rules.verify_link(BOT, code) == f"https://t.me/{BOT}?start=verify-{code}"


# the document


def certificate(schedule: Schedule, name: str, languages: tuple[str, ...],
                logo: str | None = None) -> Certificate:
    p = person(name=name)
    s = standing(schedule, p, attended(*range(9)), confirmed=name)
    new = rules.new_certificate(schedule, s, "7K3M9QXD2HTBW4PZ", languages[0], BOT, logo)
    return Certificate(
        code=new.code, user_id=41, name=new.name, group=new.group, country=new.country,
        attended=new.attended, total=new.total, minutes=new.minutes, languages=languages,
        document=new.document, issued_at=datetime(2021, 10, 6, 18, tzinfo=UTC), status="valid",
        revoked_at=None, revoke_reason=None, delivery="sent", file_id=None)


def make_pdf(schedule: Schedule, i18n: I18n, c: Certificate) -> bytes:
    views = [Viewer(i18n.get(lang), lang, "UTC") for lang in c.languages]
    return render(texts.document(views, schedule, c))


def read(pdf: bytes) -> tuple[str, list[str]]:
    """(the page's text, every QR code found in its images)."""
    (page,) = PdfReader(io.BytesIO(pdf)).pages
    found = []
    for image in page.images:
        picture = Image.open(io.BytesIO(image.data)).convert("L")
        found += [b.text for b in zxingcpp.read_barcodes(picture)]
    return " ".join(page.extract_text().split()), found


@pytest.mark.parametrize("name", ["Zoë N’Guessan", "João D’Ávila", "Nguyễn Thị Ánh"])
def test_the_pdf_prints_the_name_the_code_and_the_numbers(
    schedule: Schedule, i18n: I18n, name: str
) -> None:
    c = certificate(schedule, name, ("en",))
    text, qr = read(make_pdf(schedule, i18n, c))
    assert name in text
    assert "CERTIFICATE OF COMPLETION" in text
    assert "7K3M-9QXD-2HTB-W4PZ" in text and "/verify 7K3M9QXD2HTBW4PZ" in text
    # Sessions 0-8: 2+3+3+3+2+3+3+2+2 hours.
    assert "attending 9 of its 11 sessions (23 hours)" in text
    assert "Core group · Côte d'Ivoire" in text
    assert "Issued on October 6, 2021" in text
    assert "Alisos" in text and "Organizing partner" in text
    assert qr == [f"https://t.me/{BOT}?start=verify-7K3M9QXD2HTBW4PZ"]


def test_decomposed_accents_print_precomposed(schedule: Schedule, i18n: I18n) -> None:
    typed = "Nguye\u0302\u0303n"  # as some keyboards send it: e + two combining marks
    name = rules.clean_name(typed)
    assert name == "Nguyễn"
    text, _qr = read(make_pdf(schedule, i18n, certificate(schedule, name, ("en",))))
    assert "Nguyễn" in text


def test_english_under_the_persons_language(schedule: Schedule, i18n: I18n) -> None:
    c = certificate(schedule, "João D’Ávila", ("pt", "en"))
    text, qr = read(make_pdf(schedule, i18n, c))
    assert "CERTIFICADO DE CONCLUSÃO" in text and "Certificate of completion" in text
    assert "9 de suas 11 sessões" in text and "(23 horas)" in text
    assert "Emitido em 6 de outubro de 2021" in text and "Issued on October 6, 2021" in text
    assert "Parceiro organizador" in text and "Organizing partner" in text
    assert qr == [f"https://t.me/{BOT}?start=verify-7K3M9QXD2HTBW4PZ"]


def test_the_same_certificate_gives_the_same_file(schedule: Schedule, i18n: I18n) -> None:
    c = certificate(schedule, "Zoë N’Guessan", ("fr", "en"))
    assert make_pdf(schedule, i18n, c) == make_pdf(schedule, i18n, c)


def test_a_logo_is_printed(schedule: Schedule, i18n: I18n, tmp_path: object) -> None:
    from pathlib import Path

    logo = Path(str(tmp_path)) / "logo.png"
    Image.new("RGB", (300, 80), (31, 78, 61)).save(logo)
    c = certificate(schedule, "Zoë N’Guessan", ("en",), logo=str(logo))
    (page,) = PdfReader(io.BytesIO(make_pdf(schedule, i18n, c))).pages
    sizes = sorted(Image.open(io.BytesIO(i.data)).size for i in page.images)
    assert (300, 80) in sizes and len(sizes) == 2  # the logo and the QR code


def test_names_the_fonts_cannot_print_are_told() -> None:
    assert unprintable("Zoë N’Guessan João D’Ávila Nguyễn Ñuñez Çelik Łukasz") == []
    assert unprintable("山田 太郎") == ["太", "山", "田", "郎"]


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_the_title_fits_on_one_line_in_every_language(i18n: I18n, lang: str) -> None:
    from bot.certificates.pdf import TITLE_WIDTH, _Certificate, _fit

    pdf = _Certificate()
    pdf.add_page()
    title = i18n.get(lang).gettext("Certificate of completion").upper()
    assert _fit(pdf, title, "B", 31, TITLE_WIDTH, 1.2) >= 26
    assert pdf.get_string_width(title) <= TITLE_WIDTH
