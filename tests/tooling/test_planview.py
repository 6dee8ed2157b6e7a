"""PlanView: what a planned resource is, read once from `terraform show -json`."""

from __future__ import annotations

from smartstack_tooling.planview import PlanView


def change(address: str, actions: list[str], after: dict | None, **extra: object) -> dict:
    rtype, name = address.split(".")[-2:]
    return {
        "address": address,
        "mode": extra.pop("mode", "managed"),
        "type": rtype,
        "name": name.split("[")[0],
        **extra,
        "change": {"actions": actions, "after": after, "after_unknown": {"arn": True} if after else {}},
    }


PLAN = {
    "terraform_version": "1.11.4",
    "variables": {"region": {"value": "us-east-1"}, "zones": {"value": None}},
    "output_changes": {"api_url": {"after": "https://api.example"}, "arn": {"after": None}},
    "resource_changes": [
        change("aws_vpc.main", ["create"], {"cidr_block": "10.0.0.0/16"}),
        change(
            "module.data.aws_db_instance.this",
            ["delete", "create"],
            {"engine": "postgres"},
            module_address="module.data",
        ),
        change("module.data.aws_s3_bucket.old", ["delete"], None, module_address="module.data"),
        change("aws_subnet.app[0]", ["no-op"], {"availability_zone": "us-east-1a"}, index=0),
        change("data.aws_region.current", ["read"], {"name": "us-east-1"}, mode="data"),
    ],
}


def test_resources_are_the_managed_ones_that_exist_after_the_plan():
    view = PlanView(PLAN)
    assert [r.address for r in view.changes] == [
        "aws_vpc.main",
        "module.data.aws_db_instance.this",
        "module.data.aws_s3_bucket.old",
        "aws_subnet.app[0]",
    ]
    assert [r.address for r in view.resources] == [
        "aws_vpc.main",
        "module.data.aws_db_instance.this",  # replaced, not deleted
        "aws_subnet.app[0]",
    ]
    assert [r.address for r in view.resources if r.changed] == [
        "aws_vpc.main",
        "module.data.aws_db_instance.this",
    ]


def test_a_resource_carries_its_module_index_actions_and_values():
    db, subnet = PlanView(PLAN).of_type("aws_db_instance", "aws_subnet")
    assert (db.module, db.config_address, db.actions) == (
        "module.data",
        "module.data.aws_db_instance.this",
        ("delete", "create"),
    )
    assert db.get("engine") == "postgres" and db.after_unknown == {"arn": True}
    assert (subnet.module, subnet.index, subnet.config_address) == ("", 0, "aws_subnet.app")
    (deleted,) = [r for r in PlanView(PLAN).changes if r.deleted]
    assert deleted.after == {} and deleted.get("bucket", "none") == "none"


def test_variables_outputs_and_version():
    view = PlanView(PLAN)
    assert view.variables == {"region": "us-east-1", "zones": None}
    assert view.variable("region") == "us-east-1" and view.variable("zones", []) == []
    assert view.outputs == {"api_url": "https://api.example", "arn": None}
    assert view.terraform_version == "1.11.4"
    assert PlanView({}).resources == () and PlanView({}).variables == {}
