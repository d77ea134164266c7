"""Profile vocabulary: every field a question may set or a measure may test.

This module is the contract of DESIGN 3.1. Questions and measures may only name
fields defined in ``FIELDS``; the loaders reject anything else. Unknown is a
first-class value: a field that is missing from a profile is unknown, and the
engine reasons about it instead of failing.

Derived fields (``sme_category``, ``is_manufacturing``) are computed here and
nowhere else, so the verdicts, the questionnaire and the bot agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rules.okved import is_manufacturing_okved, parse_okved


class FieldType(StrEnum):
    BOOL = "bool"
    INT = "int"
    NUMBER = "number"
    ENUM = "enum"
    SET = "set"
    TEXT = "text"
    OKVED = "okved"
    INN = "inn"


@dataclass(frozen=True, slots=True)
class ProfileField:
    """One field of the vocabulary: its type, domain and Russian label."""

    name: str
    type: FieldType
    label: str
    values: Mapping[str, str] = field(default_factory=dict)  # value -> Russian label (enum/set)
    minimum: float | None = None
    maximum: float | None = None
    derived_from: tuple[str, ...] = ()  # inputs of a derived field
    personal: bool = False  # removed by /forget
    unit: str = ""

    @property
    def derived(self) -> bool:
        return bool(self.derived_from)

    @property
    def askable(self) -> bool:
        """A question may set it: an input field, or a fact that a checklist usually sets."""
        return not self.derived_from or self.derived_from[0] in CHECKLISTS

    def value_label(self, value: Any) -> str:
        if isinstance(value, bool):
            return "да" if value else "нет"
        if isinstance(value, (set, frozenset, list, tuple)):
            return ", ".join(self.value_label(v) for v in sorted(value)) or "ничего"
        if self.values and isinstance(value, str):
            return self.values.get(value, value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return f"{value} {self.unit}".strip() if self.unit else str(value)


SECTORS = {
    "it": "ИТ и цифровые сервисы",
    "electronics": "электроника и микроэлектроника",
    "photonics_lasers": "фотоника и лазеры",
    "new_materials": "новые материалы",
    "composites": "композиты",
    "chemistry": "химия",
    "biotech": "биотехнологии",
    "pharma": "фармацевтика",
    "medtech": "медицинская техника",
    "food": "пищевая промышленность",
    "auto_components": "автокомпоненты",
    "aerospace": "авиация и космос",
    "construction": "строительство и стройматериалы",
    "machinery": "машиностроение и станки",
    "energy": "энергетика",
    "creative": "креативные индустрии",
    "trade": "торговля",
    "services": "услуги",
    "other": "другое",
}

CLUSTERS = {
    "troitsk": "Троицкий кластер новых материалов, лазерных и радиационных технологий",
    "zelenograd": "кластер «Зеленоград»",
    "composites": "Московский композитный кластер",
    "biotech": "Московский биотехнологический кластер",
    "new_chemistry": "кластер «Новая химия, медицинская промышленность и биотех»",
    "medtech": "Московский кластер медицинских технологий",
    "food": "Московский кластер пищевой промышленности",
    "auto_components": "Московский кластер производителей автокомпонентов",
    "construction": "Московский строительный кластер",
    "aerospace": "Московский авиационно-космический кластер",
    "protocluster": "другая кластерная инициатива",
    "none": "не состоим в кластере",
}

NEEDS = {
    "grant": "грант",
    "loan": "льготный заём или кредит",
    "guarantee": "поручительство или гарантия",
    "subsidy": "субсидия, возмещение затрат",
    "tax_relief": "налоговые льготы",
    "export": "экспорт",
    "equipment": "оборудование",
    "leasing": "лизинг",
    "premises": "помещение, площадка",
    "ip_protection": "патенты и защита ИС",
    "certification": "сертификация",
    "training": "обучение",
    "consulting": "консультации",
    "partners": "партнёры и заказчики",
    "procurement": "госзакупки и закупки госкомпаний",
}

SME_CATEGORIES = {
    "micro": "микропредприятие",
    "small": "малое предприятие",
    "medium": "среднее предприятие",
    "large": "крупная компания",
    "none": "не субъект МСП",
}


def _bool(name: str, label: str) -> ProfileField:
    return ProfileField(name, FieldType.BOOL, label)


# Yes/no facts are asked as checklists («что из этого про вас?») rather than one yes/no question
# each: a ticked item is true, an unticked one false, «не знаю» leaves them all unknown. Each
# fact stays a yes/no field of its own, derived from its checklist unless given directly (test
# cases, a registry or a consultant may know one fact alone), so measures test plain fields.
STATUSES = {
    "mik_member": "участник МИК (i.moscow)",
    "skolkovo_participant": "участник «Сколково»",
    "mtk_status": "малая технологическая компания",
    "it_accredited": "аккредитованная ИТ-компания",
    "technopark_resident": "резидент технопарка Москвы",
    "sez_resident": "резидент ОЭЗ «Технополис Москва»",
    "msp_platform_account": "кабинет на МСП.РФ",
    "manages_production_site": "собственник или управляющая компания производственной площадки",
    "industrial_cluster_member": "участник промышленного кластера из реестра Минпромторга",
}
ACTIVITY = {
    "does_rnd": "ведём НИОКР",
    "patent_granted": "есть патент РФ на изобретение или полезную модель",
    "patent_recent": "патент РФ получен за последние 12 месяцев",
    "patent_application": "подана заявка на патент (в России или за рубежом)",
    "exports": "уже экспортируем",
    "plans_export": "планируем экспорт",
    "wage_at_least_average": "средняя зарплата не ниже средней по Москве",
    "ownership_over_209fz_limits": "у государства больше 25 % или у иностранных либо крупных компаний больше 49 %",
}
# ФСИ grants the company (or, for УМНИК, a founder) received, as programmes test them: «Старт»
# completed is not «Развитие» received, and a founder's УМНИК is not the company's grant.
FSI_GRANTS = {
    "umnik_founder": "основатель — победитель «УМНИК»",
    "student_startup": "«Студенческий стартап»",
    "start": "«Старт»",
    "business_start": "«Бизнес-Старт»",
    "development": "«Развитие»",
    "commercialization": "«Коммерциализация»",
    "internationalization": "«Интернационализация»",
    "cooperation": "«Кооперация»",
}
# used_measures ids → the grant they record (the «какими мерами пользовались» question sets both).
FSI_MEASURES = {
    "fsi-umnik": "umnik_founder",
    "fsi-student-startup": "student_startup",
    "fsi-start": "start",
    "fsi-business-start": "business_start",
    "fsi-development": "development",
    "fsi-commercialization": "commercialization",
    "fsi-internationalization": "internationalization",
    "fsi-cooperation": "cooperation",
}
_FOUNDER_ONLY = frozenset({"umnik_founder"})
PATENT_FACTS = ("patent_granted", "patent_recent", "patent_application")
CHECKLISTS: dict[str, dict[str, str]] = {"statuses": STATUSES, "activity": ACTIVITY}


def _checked(name: str, label: str, checklist: str) -> ProfileField:
    return ProfileField(name, FieldType.BOOL, label, derived_from=(checklist,))


_FIELD_LIST: tuple[ProfileField, ...] = (
    ProfileField(
        "applicant_type",
        FieldType.ENUM,
        "Кто получает поддержку",
        {
            "legal_entity": "юридическое лицо",
            "sole_proprietor": "ИП",
            "self_employed": "самозанятый",
            "individual": "физическое лицо без регистрации",
            "university": "вуз",
            "research_org": "научная организация",
        },
    ),
    ProfileField("company_name", FieldType.TEXT, "Название компании", personal=True),
    ProfileField("inn", FieldType.INN, "ИНН", personal=True),
    _bool("registered_in_moscow", "Зарегистрированы в Москве"),
    ProfileField("headcount", FieldType.INT, "Среднесписочная численность", minimum=0, maximum=10_000_000, unit="чел."),
    ProfileField("income_mln", FieldType.NUMBER, "Доход за прошлый год", minimum=0, maximum=100_000_000, unit="млн ₽"),
    ProfileField(
        "sme_category",
        FieldType.ENUM,
        "Категория МСП",
        SME_CATEGORIES,
        derived_from=("applicant_type", "headcount", "income_mln", "ownership_over_209fz_limits"),
    ),
    ProfileField("company_age_months", FieldType.INT, "Возраст компании", minimum=0, maximum=2400, unit="мес."),
    ProfileField("okved_main", FieldType.OKVED, "Основной ОКВЭД"),
    ProfileField("is_manufacturing", FieldType.BOOL, "Производство (ОКВЭД раздела C)", derived_from=("okved_main",)),
    ProfileField("sector", FieldType.ENUM, "Отрасль", SECTORS),
    ProfileField("cluster", FieldType.ENUM, "Кластер", CLUSTERS),
    ProfileField("statuses", FieldType.SET, "Статусы и членства", STATUSES),
    _checked("mik_member", "Участник Московского инновационного кластера (МИК)", "statuses"),
    _checked("technopark_resident", "Резидент технопарка", "statuses"),
    _checked("sez_resident", "Резидент ОЭЗ «Технополис Москва»", "statuses"),
    _checked("skolkovo_participant", "Участник проекта «Сколково»", "statuses"),
    _checked("mtk_status", "Статус малой технологической компании (МТК)", "statuses"),
    _checked("it_accredited", "Аккредитованная ИТ-компания", "statuses"),
    _checked("msp_platform_account", "Есть личный кабинет на МСП.РФ", "statuses"),
    _checked("manages_production_site", "Собственник или управляющая компания производственной площадки", "statuses"),
    _checked("industrial_cluster_member", "Участник промышленного кластера из реестра Минпромторга", "statuses"),
    ProfileField("activity", FieldType.SET, "Технологии, рынки и компания", ACTIVITY),
    _checked("does_rnd", "Ведёт НИОКР", "activity"),
    _checked("patent_granted", "Есть патент РФ на изобретение или полезную модель", "activity"),
    _checked("patent_recent", "Патент РФ получен за последние 12 месяцев", "activity"),
    _checked("patent_application", "Подана заявка на патент", "activity"),
    ProfileField("has_ip", FieldType.BOOL, "Есть патент или заявка на патент", derived_from=PATENT_FACTS),
    _checked("exports", "Уже экспортирует", "activity"),
    _checked("plans_export", "Планирует экспорт", "activity"),
    _checked("wage_at_least_average", "Средняя зарплата не ниже средней по региону", "activity"),
    _checked("ownership_over_209fz_limits",
             "Доля государства больше 25 % или иностранных либо крупных компаний больше 49 % (209-ФЗ)", "activity"),
    ProfileField("it_income_share_pct", FieldType.NUMBER, "Доля доходов от ИТ-деятельности", minimum=0, maximum=100,
                 unit="%"),
    ProfileField("export_share_pct", FieldType.NUMBER, "Доля экспорта в выручке", minimum=0, maximum=100, unit="%"),
    ProfileField("main_activity_income_share_pct", FieldType.NUMBER, "Доля доходов от основного вида деятельности",
                 minimum=0, maximum=100, unit="%"),
    _bool("tax_debt", "Есть долги по налогам"),
    ProfileField("fsi_grants_received", FieldType.SET, "Гранты ФСИ, которые уже получали", FSI_GRANTS,
                 derived_from=("used_measures",)),
    ProfileField("received_fsi_support", FieldType.BOOL, "Компания уже получала грант Фонда содействия инновациям",
                 derived_from=("fsi_grants_received",)),
    _bool("is_student", "Студент или аспирант"),
    ProfileField("age_years", FieldType.INT, "Возраст заявителя", minimum=14, maximum=100, unit="лет"),
    ProfileField(
        "stage",
        FieldType.ENUM,
        "Стадия проекта",
        {
            "idea": "идея",
            "prototype": "прототип",
            "first_sales": "первые продажи",
            "growth": "рост",
            "scaling": "масштабирование",
        },
    ),
    ProfileField("needs", FieldType.SET, "Что нужно компании", NEEDS),
    ProfileField("used_measures", FieldType.SET, "Меры, которые уже получали"),
)

FIELDS: dict[str, ProfileField] = {f.name: f for f in _FIELD_LIST}

# Fields that rank and filter but never decide eligibility (DESIGN 3.1).
RANKING_ONLY_FIELDS = frozenset({"needs"})

UNKNOWN = None
"""A missing key and ``None`` both mean "не знаю"."""


# --- 209-ФЗ art. 4 -----------------------------------------------------------
# Limits are data of the law, kept next to the rule that reads them.
# (category, max headcount, max income in mln ₽), smallest first.
SME_LIMITS: tuple[tuple[str, int, float], ...] = (
    ("micro", 15, 120.0),
    ("small", 100, 800.0),
    ("medium", 250, 2000.0),
)
_RANK = {"micro": 0, "small": 1, "medium": 2, "large": 3}
_BY_RANK = {v: k for k, v in _RANK.items()}
_NON_SME_APPLICANTS = frozenset({"individual", "self_employed", "university", "research_org"})


def _category_by(value: float | None, index: int) -> str | None:
    if value is None:
        return None
    for name, *limits in SME_LIMITS:
        if value <= limits[index]:
            return name
    return "large"


def sme_category(applicant_type: str | None, headcount: int | None, income_mln: float | None,
                 ownership_over_limits: bool | None = None) -> str | None:
    """Category per 209-ФЗ art. 4: the *larger* of the headcount and income categories wins.

    Exceeding either medium limit makes the company ``large``; so a known value over a
    medium limit decides ``large`` even when the other value is unknown. Individuals,
    the self-employed, universities and research organisations are ``none``. A company whose
    owners break art. 4 p. 1.1 (state, regions, municipalities, public organisations over 25 %;
    foreign or non-SME companies over 49 %) is no SME at all, ``none``, whatever its size; an
    unknown ownership does not change the category (the SME registry applies that test itself).
    """
    if applicant_type in _NON_SME_APPLICANTS or ownership_over_limits is True:
        return "none"
    by_people = _category_by(headcount, 0)
    by_income = _category_by(income_mln, 1)
    if "large" in (by_people, by_income):
        return "large"
    if by_people is None or by_income is None:
        return None
    return _BY_RANK[max(_RANK[by_people], _RANK[by_income])]


def derive(profile: Mapping[str, Any]) -> dict[str, Any]:
    """Return the profile ready for evaluation: unknowns dropped, sets as frozensets, derived
    fields filled in (a value given directly, e.g. the registry's category, is never overwritten)."""
    out = {k: v for k, v in profile.items() if v is not None}
    for name, value in out.items():
        spec = FIELDS.get(name)
        if spec is not None and spec.type is FieldType.SET and not isinstance(value, frozenset):
            out[name] = frozenset(value)
    for checklist, items in CHECKLISTS.items():
        ticked = out.get(checklist)
        if ticked is not None:
            for name in items:
                out.setdefault(name, name in ticked)
    if out.get("patent_recent") is True:
        out["patent_granted"] = True  # a patent granted this year is a granted patent
    elif out.get("patent_granted") is False:
        out.setdefault("patent_recent", False)  # … and without any granted patent there is no recent one
    if out.get("sme_category") is None:
        out["sme_category"] = sme_category(
            out.get("applicant_type"), out.get("headcount"), out.get("income_mln"),
            out.get("ownership_over_209fz_limits"),
        )
    if out.get("has_ip") is None:
        facts = [out.get(name) for name in PATENT_FACTS]
        if any(facts):
            out["has_ip"] = True
        elif all(fact is False for fact in facts):
            out["has_ip"] = False
    elif out["has_ip"] is False:  # «no patents, no applications» given as one fact settles each
        for name in PATENT_FACTS:
            out.setdefault(name, False)
    if out.get("exports") is False:
        out.setdefault("export_share_pct", 0)  # no export at all is a 0 % share
    if out.get("fsi_grants_received") is None and "used_measures" in out:
        out["fsi_grants_received"] = frozenset(
            FSI_MEASURES[m] for m in out["used_measures"] if m in FSI_MEASURES)
    if out.get("received_fsi_support") is None and "fsi_grants_received" in out:
        out["received_fsi_support"] = bool(out["fsi_grants_received"] - _FOUNDER_ONLY)
    elif out.get("received_fsi_support") is False and "fsi_grants_received" not in out:
        # «the company never got ФСИ money» given as one fact: none of the company's own grants
        # (a founder's УМНИК stays unrecorded; no measure tests for its absence).
        out["fsi_grants_received"] = frozenset()
    if out.get("is_manufacturing") is None and out.get("okved_main"):
        code = parse_okved(str(out["okved_main"]))
        out["is_manufacturing"] = is_manufacturing_okved(code) if code else None
    return {k: v for k, v in out.items() if v is not None}


def with_checklists(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of the checklist derivation: a profile that states facts one by one, with the
    checklist answers those statements give (for driving the questionnaire from a known profile)."""
    out = dict(profile)
    for checklist, items in CHECKLISTS.items():
        known = {name: out[name] for name in items if out.get(name) is not None}
        if checklist not in out and known:
            out[checklist] = frozenset(name for name, held in known.items() if held)
    return out


def fields_behind(name: str) -> tuple[str, ...]:
    """The answerable inputs a field depends on: itself, the inputs of a derivation, or — for a
    checklist fact — either the fact asked alone or its checklist."""
    spec = FIELDS[name]
    if not spec.derived:
        return (name,)
    if spec.askable:
        return (name, *spec.derived_from)
    out: list[str] = []
    for source in spec.derived_from:  # a derivation over derived fields: down to what is asked
        out.extend(f for f in fields_behind(source) if f not in out)
    return tuple(out)
