"""The people of `benchmarks/load.py`: Locust users on Samla's real routes.

Run by `benchmarks/load.py` (not alone): it builds the world, logs every account in and
names in the environment the world's JSON (`SAMLA_LOAD_WORLD`: per account its user name,
host, session cookies and ids), where to write every request's sample
(`SAMLA_LOAD_RESULTS`) and how many of each kind to start (`SAMLA_LOAD_LEADERS`,
`SAMLA_LOAD_COORDINATORS`, `SAMLA_LOAD_CONSULTANTS`).

Each simulated person keeps one account and one host (the municipality's for a leader, the
public host for the others), connects to the stack's address and names the host in `Host`
(with `X-Forwarded-Proto: https` when the world's scheme is https, as a TLS proxy would);
the session and CSRF cookies are sent as a browser sends them, writes carry `X-CSRFToken`
and `Origin`.

- Leaders (municipal project leaders) read their plan's overview, activity plan,
  milestones and risks pages and the plans API's lists, and about one action in five is a
  write: a milestone's status or title changed (read first for its `version`), or an
  activity added and removed again.
- Coordinators read their networks, the comparison (page and API), the trends, the
  gatherings (pages and API) and the members.
- Consultancy members read their company's overview and revenue pages, the catalogue,
  a package, and the orders, invoices and packages APIs.

Expected answers are 2xx and 3xx, and 409 for a milestone two leaders of one municipality
changed at once (counted as a conflict); anything else, a redirect to the login page or no
answer at all is a failed request.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from collections.abc import Iterator
from typing import Any

from locust import HttpUser, between, events, task

WORLD: dict[str, Any] = json.loads(open(os.environ["SAMLA_LOAD_WORLD"]).read())  # noqa: SIM115
RESULTS = os.environ["SAMLA_LOAD_RESULTS"]
SAMPLES: list[tuple[str, str, float, str, float]] = []
ERRORS: list[str] = []
MOMENTS: dict[str, float] = {}
ACCOUNTS: dict[str, Iterator[dict[str, Any]]] = {
    group: itertools.cycle(WORLD[group]) for group in ("leaders", "coordinators", "consultants")
}


@events.test_start.add_listener
def _started(**_kwargs: Any) -> None:
    MOMENTS["started"] = time.time()


@events.request.add_listener
def _record(
    request_type: str,
    name: str,
    response_time: float,
    response: Any = None,
    exception: BaseException | None = None,
    start_time: float | None = None,
    **_kwargs: Any,
) -> None:
    if exception is not None:
        outcome = "error"
        ERRORS.append(f"{request_type} {name}: {exception}")
    elif response is not None and response.status_code == 409:
        outcome = "conflict"
    else:
        outcome = "ok"
    SAMPLES.append((name, request_type, response_time, outcome, start_time or time.time()))


@events.test_stop.add_listener
def _stopped(**_kwargs: Any) -> None:
    stopped = time.time()
    with open(RESULTS + ".tmp", "w") as output:
        json.dump(
            {
                "started": MOMENTS.get("started", stopped),
                "stopped": stopped,
                "samples": SAMPLES,
                "error_messages": ERRORS,
            },
            output,
        )
    os.replace(RESULTS + ".tmp", RESULTS)


class Person(HttpUser):
    """One logged-in person on one host."""

    abstract = True
    wait_time = between(1, 3)
    group = ""

    def on_start(self) -> None:
        self.account = next(ACCOUNTS[self.group])
        host = self.account["host"]
        cookies = self.account["cookies"]
        self.csrf = cookies["csrftoken"]
        scheme = WORLD.get("scheme", "https")
        self.origin = f"{scheme}://{host}"
        # The cookies go as a header: the connection is to 127.0.0.1 with the host named
        # in `Host` (Python does not resolve `*.localhost`), and behind a TLS proxy they
        # are Secure, which a cookie jar would hold back on this plain connection.
        self.client.headers.update(
            {
                "Host": host,
                "Cookie": f"sessionid={cookies['sessionid']}; csrftoken={self.csrf}",
                "User-Agent": "samla-load",
            }
        )
        if scheme == "https":  # what the proxy tells Django
            self.client.headers["X-Forwarded-Proto"] = "https"

    def read(self, path: str, name: str | None = None, *, json_api: bool = False) -> Any:
        """GET `path`; the answer, or None when it failed (recorded as failed)."""
        headers = {"Accept": "application/json"} if json_api else {"Accept": "text/html"}
        with self.client.get(
            path, name=name or path, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            return self._judge(response)

    def write(self, method: str, path: str, name: str, body: dict[str, Any] | None = None) -> Any:
        headers = {
            "Accept": "application/json",
            "X-CSRFToken": self.csrf,
            "Origin": self.origin,
            "Referer": f"{self.origin}/",
        }
        with self.client.request(
            method,
            path,
            name=name,
            json=body,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            return self._judge(response)

    def _judge(self, response: Any) -> Any:
        status = response.status_code
        if status == 409:
            response.success()  # another person saved first: the conflict the API promises
            return None
        if 300 <= status < 400 and "/accounts/login/" in response.headers.get("Location", ""):
            response.failure(f"sent to log in ({status})")
            return None
        if not 200 <= status < 400:
            response.failure(f"{status}: {response.text[:200]}")
            return None
        response.success()
        return response


class Leader(Person):
    """A municipality's project leader: reads the plan, sometimes changes it."""

    group = "leaders"
    fixed_count = int(os.environ.get("SAMLA_LOAD_LEADERS", "40"))

    def on_start(self) -> None:
        super().on_start()
        self.plan = random.choice(self.account["plans"])
        self.milestones: list[dict[str, Any]] = []

    def api(self, part: str) -> Any:
        return self.read(
            f"/api/plans/{self.plan}/{part}/", f"/api/plans/[id]/{part}/", json_api=True
        )

    @task(4)
    def overview(self) -> None:
        self.read(f"/planer/{self.plan}/", "/planer/[id]/")

    @task(2)
    def plan_list(self) -> None:
        self.read("/planer/")

    @task(2)
    def gantt(self) -> None:
        self.read(f"/planer/{self.plan}/aktivitetsplan/", "/planer/[id]/aktivitetsplan/")

    @task(3)
    def milestones_page(self) -> None:
        self.read(f"/planer/{self.plan}/milepaeler/", "/planer/[id]/milepaeler/")

    @task(2)
    def risks_page(self) -> None:
        self.read(f"/planer/{self.plan}/risikoer/", "/planer/[id]/risikoer/")

    @task(3)
    def milestones_api(self) -> None:
        response = self.api("milestones")
        if response is not None:
            self.milestones = response.json()

    @task(2)
    def other_lists_api(self) -> None:
        self.api(random.choice(["risks", "activities", "goals", "budget-lines"]))

    @task(1)
    def plans_api(self) -> None:
        self.read("/api/plans/", json_api=True)

    # Writes: 5 of 24 weighted actions (about one in five).

    @task(3)
    def change_milestone(self) -> None:
        if not self.milestones:
            self.milestones_api()
        if not self.milestones:
            return
        chosen = random.choice(self.milestones)
        path = f"/api/plans/{self.plan}/milestones/{chosen['id']}/"
        name = "/api/plans/[id]/milestones/[id]/"
        response = self.read(path, name, json_api=True)  # the form shows the current row
        if response is None:
            return
        current = response.json()
        if current["status"] in ("planned", "in_progress"):
            status = "in_progress" if current["status"] == "planned" else "planned"
            change: dict[str, Any] = {"status": status}
        else:
            title = current["title"]
            marked = title.endswith(" (revidert)")
            change = {
                "title": title.removesuffix(" (revidert)") if marked else title + " (revidert)"
            }
        self.write("PATCH", path, name, {**change, "version": current["version"]})

    @task(2)
    def add_and_remove_activity(self) -> None:
        month = time.strftime("%Y-%m-01")
        created = self.write(
            "POST",
            f"/api/plans/{self.plan}/activities/",
            "/api/plans/[id]/activities/",
            {
                "code": f"LT-{random.randrange(10**6):06d}",
                "name": "Felles kartlegging av tiltak",
                "purpose": "Se hva tjenestene allerede gjør for barn og unge.",
                "start_month": month,
                "end_month": month,
            },
        )
        if created is None:
            return
        self.wait()  # a person looks at it before removing it again
        activity = created.json()["id"]
        self.write(
            "DELETE",
            f"/api/plans/{self.plan}/activities/{activity}/",
            "/api/plans/[id]/activities/[id]/",
        )


class Coordinator(Person):
    """A network's coordinator: comparisons, trends, gatherings, members."""

    group = "coordinators"
    fixed_count = int(os.environ.get("SAMLA_LOAD_COORDINATORS", "15"))

    def on_start(self) -> None:
        super().on_start()
        self.network = random.choice(self.account["networks"])

    @task(2)
    def networks(self) -> None:
        self.read("/nettverk/")

    @task(2)
    def network_page(self) -> None:
        self.read(f"/nettverk/{self.network['slug']}/", "/nettverk/[slug]/")

    @task(4)
    def comparison_page(self) -> None:
        slug = self.network["slug"]
        self.read(f"/nettverk/{slug}/sammenligning/", "/nettverk/[slug]/sammenligning/")

    @task(2)
    def comparison_api(self) -> None:
        path = f"/api/networks/{self.network['id']}/comparison/"
        self.read(path, "/api/networks/[id]/comparison/", json_api=True)

    @task(2)
    def trends_page(self) -> None:
        slug = self.network["slug"]
        self.read(f"/nettverk/{slug}/utvikling/", "/nettverk/[slug]/utvikling/")

    @task(2)
    def gatherings_page(self) -> None:
        slug = self.network["slug"]
        self.read(f"/nettverk/{slug}/samlinger/", "/nettverk/[slug]/samlinger/")

    @task(2)
    def gathering(self) -> None:
        if self.network["gatherings"]:
            chosen = random.choice(self.network["gatherings"])
            self.read(f"/samlinger/{chosen}/", "/samlinger/[id]/")

    @task(2)
    def gatherings_api(self) -> None:
        path = f"/api/networks/{self.network['id']}/gatherings/"
        self.read(path, "/api/networks/[id]/gatherings/", json_api=True)

    @task(1)
    def members_api(self) -> None:
        path = f"/api/networks/{self.network['id']}/members/"
        self.read(path, "/api/networks/[id]/members/", json_api=True)


class Consultant(Person):
    """A consultancy's member: the company's packages, orders and revenue."""

    group = "consultants"
    fixed_count = int(os.environ.get("SAMLA_LOAD_CONSULTANTS", "5"))

    @task(3)
    def overview(self) -> None:
        self.read(f"/selskaper/{self.account['consultancy']}/", "/selskaper/[slug]/")

    @task(2)
    def revenue(self) -> None:
        path = f"/selskaper/{self.account['consultancy']}/inntekter/"
        self.read(path, "/selskaper/[slug]/inntekter/")

    @task(2)
    def catalogue(self) -> None:
        self.read("/pakker/")

    @task(2)
    def package(self) -> None:
        if self.account["packages"]:
            chosen = random.choice(self.account["packages"])
            self.read(f"/pakker/{chosen}/", "/pakker/[id]/")

    @task(2)
    def orders_api(self) -> None:
        self.read("/api/orders/", json_api=True)

    @task(1)
    def invoices_api(self) -> None:
        self.read("/api/invoices/", json_api=True)

    @task(2)
    def packages_api(self) -> None:
        self.read("/api/packages/", json_api=True)
