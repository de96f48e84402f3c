"""axe-core (bundled by axe-playwright-python) with the WCAG 2.0, 2.1 and 2.2 A and AA rules."""

from axe_playwright_python.sync_playwright import Axe

WCAG_A_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}

_axe = Axe()


def accessibility_violations(page):
    """axe's violations on the page as it stands, as readable lines (empty when there are none)."""
    results = _axe.run(page, options=WCAG_A_AA)
    lines = []
    for violation in results.response["violations"]:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    - {target}: {summary}")
    return lines
