"""Synthetic releases in the exact official envelope, for tests, the benchmark and demos.

Every ИНН/ОГРН is checksum-valid and every company is invented. The XML follows the element
order of structure-10062025.xsd (``ОргВклМСП|ИПВклМСП`` → ``СведМН`` → ``СвОКВЭД`` → ``СвПрод``),
and ``ИдФайл`` equals the member name without ``.xml`` as the XSD's Schematron requires.
Writing streams into the ZIP, so a release of millions of records needs little memory.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

from rules.identifiers import inn_check_digits, ogrn_check_digit

_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Файл ИдФайл="{file_id}" ВерсФорм="{version}" ТипИнф="РЕЕСТРМСП" КолДок="{count}">\n'
    '  <ИдОтпр><ФИООтв Фамилия="-" Имя="-"/></ИдОтпр>\n'
)
_FOOTER = "</Файл>\n"

_ORG = (
    '  <Документ ИдДок="{doc_id}" ДатаСост="{state}" ДатаВклМСП="10.08.2016" ВидСубМСП="1" '
    'КатСубМСП="{cat}" ПризНовМСП="2" СведСоцПред="2"{headcount}>\n'
    '    <ОргВклМСП НаимОрг="ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ &quot;СИНТЕТИКА-{n}&quot;" '
    'НаимОргСокр="ООО &quot;СИНТЕТИКА-{n}&quot;" ИННЮЛ="{inn}" ОГРН="{ogrn}"/>\n'
    '    <СведМН КодРегион="{region}"><Регион Тип="{region_type}" Наим="{region_name}"/></СведМН>\n'
    "    <СвОКВЭД>\n"
    '      <СвОКВЭДОсн КодОКВЭД="{okved}" НаимОКВЭД="Разработка компьютерного программного обеспечения" '
    'ВерсОКВЭД="2014"/>\n'
    '      <СвОКВЭДДоп КодОКВЭД="62.02" НаимОКВЭД="Деятельность консультативная и работы в области '
    'компьютерных технологий" ВерсОКВЭД="2014"/>\n'
    '      <СвОКВЭДДоп КодОКВЭД="63.11" НаимОКВЭД="Деятельность по обработке данных, предоставление услуг '
    'по размещению информации и связанная с этим деятельность" ВерсОКВЭД="2014"/>\n'
    "    </СвОКВЭД>\n"
    "{product}"
    "  </Документ>\n"
)
_IP = (
    '  <Документ ИдДок="{doc_id}" ДатаСост="{state}" ДатаВклМСП="10.07.2025" ВидСубМСП="2" '
    'КатСубМСП="1" ПризНовМСП="2" СведСоцПред="2">\n'
    '    <ИПВклМСП ИННФЛ="{inn}" ОГРНИП="{ogrn}"><ФИОИП Фамилия="ТЕСТОВ" Имя="ТЕСТ" Отчество="ТЕСТОВИЧ"/>'
    "</ИПВклМСП>\n"
    '    <СведМН КодРегион="{region}"><Регион Тип="{region_type}" Наим="{region_name}"/></СведМН>\n'
    '    <СвОКВЭД><СвОКВЭДОсн КодОКВЭД="47.91" НаимОКВЭД="Торговля розничная по почте или по '
    'информационно-коммуникационной сети Интернет" ВерсОКВЭД="2014"/></СвОКВЭД>\n'
    "  </Документ>\n"
)
_PRODUCT = '    <СвПрод КодПрод="26.20.11.110" НаимПрод="Компьютеры портативные" ПрОтнПрод="1"/>\n'
_REGIONS = {"77": ("ГОРОД", "МОСКВА"), "50": ("ОБЛАСТЬ", "МОСКОВСКАЯ"), "78": ("ГОРОД", "САНКТ-ПЕТЕРБУРГ")}


def synthetic_inn(number: int, *, person: bool = False, region: str = "77") -> str:
    """A checksum-valid ИНН built from a running number (unique per number)."""
    body = f"{region}{number:0{8 if person else 7}d}"
    return body + inn_check_digits(body)


def synthetic_ogrn(number: int, *, person: bool = False, region: str = "77") -> str:
    body = f"325{region}{number:09d}" if person else f"122{region}{number:07d}"
    return body + ogrn_check_digit(body)


def member_name(index: int, date_compact: str = "20260910") -> str:
    return f"VO_RRMSPSV_0000_9965_{date_compact}_00000000-0000-4000-8000-{index:012d}"


def write_sme_release(
    path: Path | str,
    records: int,
    *,
    docs_per_member: int = 1000,
    moscow_share: float = 0.15,
    person_share: float = 0.5,
    seed: int = 1,
    state_date: str = "10.09.2026",
    version: str = "4.05",
    compresslevel: int = 1,
) -> int:
    """Write a release of ``records`` unique companies; returns how many are in region 77."""
    rng = random.Random(seed)
    moscow = 0
    day, month, year = state_date.split(".")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for member_index, first in enumerate(range(0, records, docs_per_member)):
            count = min(docs_per_member, records - first)
            file_id = member_name(member_index, f"{year}{month}{day}")
            with archive.open(f"{file_id}.xml", "w", force_zip64=True) as out:
                parts = [_HEADER.format(file_id=file_id, version=version, count=count)]
                for n in range(first, first + count):
                    r = rng.random()
                    region = "77" if r < moscow_share else ("50" if r < moscow_share + 0.1 else "78")
                    moscow += region == "77"
                    region_type, region_name = _REGIONS[region]
                    person = rng.random() < person_share
                    fields = {
                        "doc_id": f"00000000-0000-4000-8000-{n:012x}",
                        "state": state_date,
                        "inn": synthetic_inn(n, person=person, region=region),
                        "ogrn": synthetic_ogrn(n, person=person, region=region),
                        "region": region,
                        "region_type": region_type,
                        "region_name": region_name,
                    }
                    if person:
                        parts.append(_IP.format(**fields))
                    else:
                        staff = rng.randrange(0, 250)
                        parts.append(
                            _ORG.format(
                                n=n,
                                cat=1 if staff <= 15 else (2 if staff <= 100 else 3),
                                headcount=f' ССЧР="{staff}"' if rng.random() < 0.8 else "",
                                okved=rng.choice(("62.01", "26.51", "72.19", "46.90")),
                                product=_PRODUCT if rng.random() < 0.01 else "",
                                **fields,
                            )
                        )
                    if len(parts) >= 200:
                        out.write("".join(parts).encode())
                        parts.clear()
                parts.append(_FOOTER)
                out.write("".join(parts).encode())
    return moscow
