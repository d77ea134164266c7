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
}
ACTIVITY = {
    "does_rnd": "ведём НИОКР",
    "has_ip": "есть патенты или заявки",
    "received_fsi_support": "уже получали грант ФСИ",
    "exports": "уже экспортируем",
    "plans_export": "планируем экспорт",
}
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
        derived_from=("applicant_type", "headcount", "income_mln"),
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
    ProfileField("activity", FieldType.SET, "Технологии и рынки", ACTIVITY),
    _checked("does_rnd", "Ведёт НИОКР", "activity"),
    _checked("has_ip", "Есть патенты или заявки на изобретения", "activity"),
    _checked("exports", "Уже экспортирует", "activity"),
    _checked("plans_export", "Планирует экспорт", "activity"),
    _bool("tax_debt", "Есть долги по налогам"),
    _checked("received_fsi_support", "Уже получали поддержку Фонда содействия инновациям", "activity"),
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


def sme_category(applicant_type: str | None, headcount: int | None, income_mln: float | None) -> str | None:
    """Category per 209-ФЗ art. 4: the *larger* of the headcount and income categories wins.

    Exceeding either medium limit makes the company ``large``; so a known value over a
    medium limit decides ``large`` even when the other value is unknown. Individuals,
    the self-employed, universities and research organisations are ``none``.
    """
    if applicant_type in _NON_SME_APPLICANTS:
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
    if out.get("sme_category") is None:
        out["sme_category"] = sme_category(
            out.get("applicant_type"), out.get("headcount"), out.get("income_mln")
        )
    for checklist, items in CHECKLISTS.items():
        ticked = out.get(checklist)
        if ticked is not None:
            for name in items:
                out.setdefault(name, name in ticked)
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
    return (name, *spec.derived_from) if spec.askable else spec.derived_from
