"""`python -m tests.billing.stripe_fake [PORT]`: the fake on 127.0.0.1 until interrupted,
for a server run by hand (STRIPE_SECRET_KEY=sk_test_samla_fake STRIPE_API_BASE=<its url>)."""

from __future__ import annotations

import sys
import threading

from tests.billing.stripe_fake import API_KEY, FakeStripe

if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    fake = FakeStripe().start(port=port)
    print(f"STRIPE_API_BASE={fake.url} STRIPE_SECRET_KEY={API_KEY}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()
