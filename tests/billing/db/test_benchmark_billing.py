"""The billing benchmark runs end to end and reports its figures (no timing is asserted):
the catalogue, an invoice of 40 lines into the Stripe fake with its EHF document, and the
webhook's `invoice.paid`."""

from __future__ import annotations

from tests.benchmark_runs import run_benchmark, scratch_database_exists

REQUIRED = [
    "packages",
    "catalogue_ms_median",
    "catalogue_queries",
    "catalogue_page_ms_median",
    "catalogue_page_queries",
    "invoices",
    "invoice_build_ms",
    "invoice_issue_ms",
    "invoice_stripe_requests",
    "webhooks",
    "webhook_ms_median",
    "webhook_ms_p95",
    "webhook_queries",
]


def test_benchmark_prints_its_figures_and_drops_its_database(db: None) -> None:
    # Given the benchmark script, run the way its docstring says (it inherits DATABASE_URL)
    # When it builds a small catalogue, two invoices of 40 lines and four webhook events
    figures, pid = run_benchmark(
        "billing.py",
        *("--packages", "6", "--repeat", "2", "--invoices", "2", "--webhooks", "4"),
        timeout=1200,
    )

    # Then it prints every figure, as numbers
    assert [name for name in REQUIRED if name not in figures] == []
    assert (figures["packages"], figures["invoices"], figures["webhooks"]) == (6, 2, 4)
    assert 0 < figures["invoice_issue_ms"] < figures["invoice_build_ms"]
    # The invoice went to Stripe: its customer is there already (the warm-up made it), then
    # the invoice, a read, 40 items, the VAT and the finalize.
    assert figures["invoice_stripe_requests"] == 44
    assert figures["webhook_ms_median"] > 0 and figures["webhook_queries"] > 0
    # And its scratch database (named after its process id) is gone
    assert not scratch_database_exists(pid)
