"""The two years the demo replays: which families arrive when and how far each gets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from web.demo.driver import Demo


def tell(demo: Demo, say: Callable[[str], None]) -> None:
    # Month 0: eight case-management families, closed (one after a returned summary) by month 2.
    closed = [demo.refer() for _ in range(8)]
    for family in closed:
        demo.triage(family, "case_management")
        demo.allocate(family)
        demo.assess_and_plan(family)
    demo.travel("P1M")
    # Parenting and Family Team, signposting, no further action, not eligible.
    pft = [demo.refer() for _ in range(4)]
    for family in pft:
        demo.triage(family, "parenting_family_team")
        _pft_plan(demo, family)
    for family in [demo.refer() for _ in range(4)]:
        demo.triage(family, "signpost_external")
        demo.do(family, "gather_signposting_evidence", "ehu1", {
            "contacted_on": demo.today(), "outcome_evidence": "Debt plan confirmed by the service.",
            "outcomes_met": [{"person_id": family["people"][0], "indicator": 22, "achieved": True,
                              "evidence": "Confirmed"}]})
    for family in [demo.refer() for _ in range(3)]:
        demo.triage(family, "no_further_action", indicators=(7,))
    for family in [demo.refer() for _ in range(3)]:
        demo.triage(family, "case_management", indicators=(7,))  # one headline issue: not eligible
        demo.allocate(family)
    demo.travel("P1M")
    for family in closed:
        demo.review(family, ready=True)
        demo.closure(family)
    demo.approve(closed[0], "return")
    demo.closure(closed[0])
    for family in closed:
        demo.approve(family)
    for family in pft:
        demo.review(family, ready=True, bpmn_id="pft_review")
        demo.closure(family, "pft_closure", "pft1")
        demo.approve(family, pft=True)  # the council's default: a PFT manager signs the closure off
    say(f"month 2: {len(demo.families)} families referred")

    # Month 4: six more closed families; one is re-referred while its windows run.
    demo.travel("P2M")
    later = [demo.refer() for _ in range(6)]
    for family in later:
        demo.triage(family, "case_management")
        demo.allocate(family)
        demo.assess_and_plan(family)
    demo.travel("P1M")
    for family in later:
        demo.review(family, ready=True)
        demo.closure(family)
        demo.approve(family)
    demo.travel("P2M")
    again = demo.refer()
    demo.triage(again, "no_further_action", indicators=(7,), match=later[0]["ref"])

    # Month 12: continuous employment while a case is open.
    demo.travel("P5M")
    working = [demo.refer() for _ in range(3)]
    for family in working:
        demo.triage(family, "case_management", indicators=(16, 7))
        demo.allocate(family)
        payload = {"family_ref": family["ref"], "person_id": family["people"][0], "benefit": "jsa",
                   "off_benefit_on": demo.today(), "employment_started_on": demo.today()}
        demo.call("POST", "/api/v1/messages", f"cm-{family['team']}", {
            "name": "continuous_employment", "correlation": {"family_ref": family["ref"]}, "payload": payload})
        demo.do(family, "verify_employment", "tf1", {
            "person_id": family["people"][0], "benefit": "jsa", "verified": True, "evidence": "DWP data match",
            "employment_started_on": demo.today(), "off_benefit_on": demo.today()})
    say(f"month 12: {len(demo.families)} families referred")

    # Month 18: the first claim window (cut-off month 20); the TF team audits and submits; two are paid.
    demo.travel("P6M")
    cutoff = demo.clock.now() + timedelta(days=60)
    demo.call("POST", "/api/v1/admin/claim-windows", "admin1", {
        "name": f"Claim window {cutoff:%B %Y}", "local_cutoff_at": cutoff.isoformat(),
        "closes_at": (cutoff + timedelta(days=30)).isoformat()})
    demo.travel("P3M")
    windows = demo.call("GET", "/api/v1/claim-windows", "tf1")["items"]
    first = demo.call("GET", f"/api/v1/claim-windows/{windows[0]['id']}", "tf1")
    for pooled in first["pool"]:
        family = {"ref": pooled["family_ref"]}
        demo.do(family, "audit_stage_1", "tf1", {"result": "pass"})
        if pooled["sampled"]:
            demo.do(family, "audit_stage_2", "pm1", {"result": "pass", "refer_to_stage_3": False})
    batch = demo.call("GET", f"/api/v1/tasks?instance_id={first['instance_id']}&bpmn_id=review_batch", "tf1")
    for task in batch["items"]:
        demo.call("POST", f"/api/v1/tasks/{task['id']}/complete", "tf1", {"data": {"decision": "submit"}})
    claims = demo.call("GET", f"/api/v1/claim-windows/{first['id']}", "tf1")["batch"]
    for claim in claims[:2]:
        demo.call("POST", f"/api/v1/claims/{claim['id']}/paid", "tf1")
    say(f"month 23: claim window with {len(first['pool'])} families, {len(claims)} claims")

    # The last months: families in case management at every step, and fresh referrals awaiting triage.
    open_cases = [demo.refer() for _ in range(10)]
    for n, family in enumerate(open_cases):
        demo.triage(family, "case_management")
        if n >= 2:
            demo.allocate(family)
        if n >= 4:
            demo.assess_and_plan(family)
    demo.travel("P2M")
    for family in open_cases[7:]:
        demo.review(family, ready=False)
    pft_now = [demo.refer() for _ in range(2)]  # the Parenting and Family Team: one to plan, one under way
    for family in pft_now:
        demo.triage(family, "parenting_family_team")
    _pft_plan(demo, pft_now[1])
    demo.travel("P20D")
    for _ in range(6):
        demo.refer()
    cutoff = demo.clock.now() + timedelta(days=120)
    demo.call("POST", "/api/v1/admin/claim-windows", "admin1", {
        "name": f"Claim window {cutoff:%B %Y}", "local_cutoff_at": cutoff.isoformat(),
        "closes_at": (cutoff + timedelta(days=30)).isoformat()})
    say(f"done: {len(demo.families)} families referred")


def _pft_plan(demo: Demo, family: dict[str, Any]) -> None:
    by_date = (demo.clock.now() + timedelta(days=60)).date().isoformat()
    demo.do(family, "pft_plan", "pft1", {
        "intervention": "Eight weekly parenting sessions.", "agreed_on": demo.today(), "review_date": by_date,
        "targets": demo.targets(family, by_date)})
