"""The projects section of the monthly HTML report (``navigator report``)."""

from __future__ import annotations

import html

from db.projects.stats import ProjectStats
from rules.profile import CLUSTERS


def projects_section(stats: ProjectStats) -> str:
    median = "нет решений за период" if stats.moderation_hours_median is None else \
        f"{stats.moderation_hours_median:.1f} ч".replace(".", ",")
    rows = [("Новых проектов", stats.new), ("Опубликовано модераторами", stats.published),
            ("Опубликовано и видно в поиске сейчас", stats.live),
            ("Предложений о сотрудничестве", stats.requests_sent),
            ("Из них принято", stats.requests_accepted)]
    table = "".join(f"<tr><td>{html.escape(label)}</td><td class=\"num\">{value}</td></tr>" for label, value in rows)
    table += f"<tr><td>Время до решения модератора (медиана)</td><td class=\"num\">{html.escape(median)}</td></tr>"
    clusters = "".join(f"<tr><td>{html.escape(CLUSTERS.get(c, c))}</td><td class=\"num\">{n}</td></tr>"
                       for c, n in stats.by_cluster) or "<tr><td colspan=\"2\">опубликованных проектов нет</td></tr>"
    return (f"<h2>Реестр проектов и поиск партнёров</h2><table>{table}</table>"
            f"<h2>Опубликованные проекты по кластерам</h2><table>{clusters}</table>")
