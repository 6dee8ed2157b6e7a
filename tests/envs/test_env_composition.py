"""Each environment root composes every element of the deployment diagram, sized and isolated per env.

Reads the plan JSON of the three env roots (planned once per session by the `env_plans` fixture): planned
values, resource addresses and the `configuration` references, never Terraform's human output.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from smartstack_tooling.harness import hcl
from smartstack_tooling.planview import PlannedResource, PlanView
from smartstack_tooling.policy import source
from smartstack_tooling.profiles import profile

from tests.conftest import ENVIRONMENTS, REPO

# Each environment's account and domain, from where they are set: its terraform.tfvars.
TFVARS = {env: source.tfvars(REPO / "envs" / env) for env in ENVIRONMENTS}
DOMAINS = {env: values["domain_name"] for env, values in TFVARS.items()}


def called_modules(path: Path) -> set[str]:
    """The sibling modules (``source = "../<name>"``) a module file calls, read with the pinned parser."""
    sources = (
        str(body.get("source", "")).strip('"')
        for block in hcl.load(path).get("module", [])
        for body in block.values()
    )
    return {source.removeprefix("../") for source in sources if source.startswith("../")}


def tier_modules() -> set[str]:
    """The modules an env root composes: every module under modules/ that no other module calls."""
    modules = {path.parent.name for path in (REPO / "modules").glob("*/versions.tf")}
    called = {name for path in (REPO / "modules").glob("*/*.tf") for name in called_modules(path)}
    assert called and called < modules, f"internal modules {called} must exist under modules/"
    return modules - called


# The diagram's elements as resource types (minimum count per env).
DIAGRAM_TYPES = {
    "aws_vpc": 1,
    "aws_subnet": 6,
    "aws_internet_gateway": 1,
    "aws_vpc_endpoint": 2,
    "aws_db_instance": 1,
    "aws_db_subnet_group": 1,
    "aws_s3_bucket": 3,
    "aws_cloudfront_distribution": 1,
    "aws_cloudfront_origin_access_control": 1,
    "aws_wafv2_web_acl": 1,
    "aws_acm_certificate": 2,
    "aws_route53_zone": 1,
    "aws_route53_record": 4,
    "aws_api_gateway_rest_api": 1,
    "aws_api_gateway_stage": 1,
    "aws_api_gateway_authorizer": 1,
    "aws_api_gateway_domain_name": 1,
    "aws_lambda_function": 3,
    "aws_sqs_queue": 2,
    "aws_lambda_event_source_mapping": 1,
    "aws_sesv2_email_identity": 1,
    "aws_secretsmanager_secret": 1,
    "aws_ssm_parameter": 6,
    "aws_cloudwatch_metric_alarm": 1,
    "aws_sns_topic": 1,
}
# Parameters the functions read (functions/README.md, "Configuration contract").
CONTRACT_PARAMETERS = {
    "api/presigned-url-ttl-seconds",
    "api/max-page-size",
    "ai/model-id",
    "ai/max-output-tokens",
    "auth/token-issuer",
    "auth/token-audience",
}
# Secrets Manager secrets and the one function that reads each (functions/README.md).
CONTRACT_SECRETS = {
    "authorizer": "api-signing-key",
    "api": "link-signing-key",
    "worker": "link-signing-key",  # the API application's consumer signs the links in its emails
    "ai": "ai-log-hmac-key",
}
FUNCTIONS = ("api", "worker", "ai", "authorizer", "migrate", "rotate")


def creates(plan: dict[str, Any]) -> list[PlannedResource]:
    return [r for r in PlanView(plan).changes if "create" in r.actions]


def of_type(plan: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [c.after for c in creates(plan) if c.type == rtype]


def one(plan: dict[str, Any], rtype: str) -> dict[str, Any]:
    found = of_type(plan, rtype)
    assert len(found) == 1, f"expected one {rtype}, found {len(found)}"
    return found[0]


def module_resource(plan: dict[str, Any], module: str, address: str) -> dict[str, Any]:
    """The configuration block of `address` (e.g. aws_sqs_queue.tasks) inside module call `module`."""
    resources = plan["configuration"]["root_module"]["module_calls"][module]["module"]["resources"]
    return next(r for r in resources if r["address"] == address)


def refs(expression: dict[str, Any]) -> set[str]:
    return set(expression.get("references", []))


@pytest.fixture(scope="module")
def plans(env_plans) -> dict[str, dict[str, Any]]:
    """The raw plan JSON (`terraform show -json`) of every env."""
    return {env: env_plans[env].json for env in ENVIRONMENTS}


def test_every_env_planned_completely(plans):
    for env, plan in plans.items():
        assert plan["errored"] is False and plan["complete"] is True, env


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_diagram_elements_present(plans, env):
    counts = Counter(c.type for c in creates(plans[env]))
    missing = {t: (n, counts[t]) for t, n in DIAGRAM_TYPES.items() if counts[t] < n}
    assert not missing, f"{env}: (wanted, planned) per missing type: {missing}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_root_is_composition_only(plans, env):
    root = plans[env]["configuration"]["root_module"]
    assert not root.get("resources"), f"{env} root declares resources; they belong in a module"
    assert set(root["module_calls"]) == tier_modules()
    for name, call in root["module_calls"].items():
        assert call["source"] == f"../../modules/{name}", f"{env} reaches {call['source']}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_modules_wired_to_real_network(plans, env):
    calls = plans[env]["configuration"]["root_module"]["module_calls"]
    assert "module.network.data_subnet_ids" in refs(calls["data"]["expressions"]["data_subnet_ids"])
    assert "module.network.vpc_id" in refs(calls["data"]["expressions"]["vpc_id"])
    assert "module.network.app_subnet_ids" in refs(calls["compute"]["expressions"]["app_subnet_ids"])
    assert "module.network.data_subnet_cidr_blocks" in refs(
        calls["compute"]["expressions"]["data_subnet_cidr_blocks"]
    )
    assert "module.compute.lambda_security_group_id" in refs(
        calls["data"]["expressions"]["app_security_group_id"]
    )
    assert "module.dns.zone_id" in refs(calls["edge"]["expressions"]["hosted_zone_id"])
    assert "module.api.custom_domain_name" in refs(calls["edge"]["expressions"]["api_origin_domain_name"])
    assert "module.edge.distribution_arn" in refs(
        calls["storage"]["expressions"]["cloudfront_distribution_arn"]
    )
    # compute's functions come from the root's map (each package under local.function_packages_dir: the
    # planned zips are checked by test_lambdas_use_the_built_packages).
    assert refs(calls["compute"]["expressions"]["functions"]) == {"local.functions"}
    # The private subnets the Lambdas and RDS use are the network module's, in every zone of the env.
    zones = plans[env]["variables"]["availability_zones"]["value"]
    subnets = of_type(plans[env], "aws_subnet")
    assert len(subnets) == 3 * len(zones)
    assert {s["availability_zone"] for s in subnets} == set(zones)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_lambdas_use_the_built_packages(plans, env):
    functions = {f["function_name"]: f for f in of_type(plans[env], "aws_lambda_function")}
    assert set(functions) == {f"smartstack-{env}-{n}" for n in FUNCTIONS}
    for name, function in functions.items():
        short = name.removeprefix(f"smartstack-{env}-")
        package = "api" if short == "worker" else short  # the consumer runs the API application's zip
        architecture = function["architectures"][0]
        assert function["filename"].endswith(f"../../build/functions/{architecture}/{package}.zip")
        assert (REPO / "build" / "functions" / architecture / f"{package}.zip").is_file()
        assert function["runtime"].startswith("python3.")
        assert len(function["vpc_config"][0]["subnet_ids"]) == len(
            plans[env]["variables"]["availability_zones"]["value"]
        )


def cdn_acl(plan: dict[str, Any]) -> dict[str, Any]:
    acls = [a for a in of_type(plan, "aws_wafv2_web_acl") if a["scope"] == "CLOUDFRONT"]
    assert len(acls) == 1, f"expected one CLOUDFRONT web ACL, found {len(acls)}"
    return acls[0]


def waf_rule_names(plan: dict[str, Any]) -> set[str]:
    return {rule["name"] for rule in cdn_acl(plan)["rule"]}


def test_waf_managed_rules_follow_the_tfvars_and_are_on_wherever_the_profile_requires(plans):
    enabled = {env: plans[env]["variables"]["waf_managed_rules_enabled"]["value"] for env in ENVIRONMENTS}
    for env in ENVIRONMENTS:
        assert enabled[env] or not profile(env).waf_required, env
        names = waf_rule_names(plans[env])
        managed = any("AWSManagedRulesCommonRuleSet" in n for n in names)
        assert managed == enabled[env] == any("AWSManagedRules" in n for n in names), env
    # The tfvars keep the managed rules off somewhere (dev saves their cost): both cases are exercised.
    assert set(enabled.values()) == {True, False}
    for env in ENVIRONMENTS:  # the rate limit is part of the architecture everywhere
        assert cdn_acl(plans[env])["scope"] == "CLOUDFRONT"
        assert len(waf_rule_names(plans[env])) >= 1
        # api.<domain> is reachable without CloudFront: the stage has its own REGIONAL ACL everywhere.
        regional = [a for a in of_type(plans[env], "aws_wafv2_web_acl") if a["scope"] == "REGIONAL"]
        assert len(regional) == 1 and len(of_type(plans[env], "aws_wafv2_web_acl_association")) == 1, env


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_queue_dlq_and_consumer(plans, env):
    queues = {q["name"] for q in of_type(plans[env], "aws_sqs_queue")}
    assert {f"smartstack-{env}-tasks", f"smartstack-{env}-tasks-dlq"} <= queues
    tasks = module_resource(plans[env], "messaging", "aws_sqs_queue.tasks")
    # The DLQ's ARN is written out (known at plan); depends_on keeps the DLQ created first.
    assert "local.dlq_arn" in refs(tasks["expressions"]["redrive_policy"])
    assert tasks["depends_on"] == ["aws_sqs_queue.dlq"]
    (queue,) = [q for q in of_type(plans[env], "aws_sqs_queue") if q["name"] == f"smartstack-{env}-tasks"]
    redrive = json.loads(queue["redrive_policy"])
    assert redrive["deadLetterTargetArn"].endswith(f":smartstack-{env}-tasks-dlq")
    mapping = module_resource(plans[env], "messaging", "aws_lambda_event_source_mapping.tasks")["expressions"]
    assert "aws_sqs_queue.tasks.arn" in refs(mapping["event_source_arn"])
    calls = plans[env]["configuration"]["root_module"]["module_calls"]
    # The consumer is the API application's queue worker, not the 29 s HTTP function.
    assert "module.compute.worker_function_arn" in refs(
        calls["messaging"]["expressions"]["consumer_function_arn"]
    )
    esm = one(plans[env], "aws_lambda_event_source_mapping")
    assert esm["function_response_types"] == ["ReportBatchItemFailures"] and esm["batch_size"] == 1


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_edge_dns_api_and_mail(plans, env):
    plan, domain = plans[env], DOMAINS[env]
    assert one(plan, "aws_route53_zone")["name"] == domain
    records = {(r.get("name"), r.get("type")) for r in of_type(plan, "aws_route53_record")}
    assert {(domain, "A"), (f"www.{domain}", "A"), (f"api.{domain}", "A")} <= records
    certs = {c["domain_name"] for c in of_type(plan, "aws_acm_certificate")}
    assert {domain, f"api.{domain}"} <= certs
    # The CloudFront certificate and web ACL come from the us-east-1 provider alias.
    edge = plan["configuration"]["root_module"]["module_calls"]["edge"]["module"]["resources"]
    keys = {r["address"]: r.get("provider_config_key") for r in edge}
    assert (
        keys["aws_acm_certificate.cdn"] == "aws.us_east_1"
        and keys["aws_wafv2_web_acl.cdn"] == "aws.us_east_1"
    )
    assert one(plan, "aws_cloudfront_distribution")["aliases"] == sorted([domain, f"www.{domain}"])
    assert one(plan, "aws_api_gateway_authorizer")["type"] == "TOKEN"
    assert one(plan, "aws_sesv2_email_identity")["email_identity"] == domain
    assert plan["output_changes"]["api_url"]["after"] == f"https://api.{domain}/api"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_configuration_contract(plans, env):
    plan = plans[env]
    params = {p["name"]: p for p in of_type(plan, "aws_ssm_parameter")}
    assert set(params) == {f"/smartstack/{env}/{k}" for k in CONTRACT_PARAMETERS}
    assert all(p["type"] == "String" for p in params.values())
    model = params[f"/smartstack/{env}/ai/model-id"]["value"]
    assert model == plan["variables"]["bedrock_model_id"]["value"]
    # The model the AI function is told to use is the one its role may invoke.
    ai_policy = next(
        c["change"]["after"]["policy"]
        for c in plan["resource_changes"]
        if c["address"] == 'module.compute.aws_iam_role_policy.this["ai"]'
    )
    statements = json.loads(ai_policy)["Statement"]
    (invoke,) = [s for s in statements if s["Sid"] == "InvokeApprovedFoundationModels"]
    region = plan["variables"]["region"]["value"]
    assert invoke["Resource"] == [f"arn:aws:bedrock:{region}::foundation-model/{model}"]
    secrets = {s["name"] for s in of_type(plan, "aws_secretsmanager_secret")}
    assert secrets == {f"smartstack-{env}/{name}" for name in CONTRACT_SECRETS.values()}
    api_env = next(f for f in of_type(plan, "aws_lambda_function") if f["function_name"].endswith("-api"))
    variables = api_env["environment"][0]["variables"]
    assert variables["SES_SENDER"] == f"no-reply@{DOMAINS[env]}"
    assert variables["PARAMETER_PATH"].rstrip("/") == f"/smartstack/{env}"
    assert variables["APP_BASE_URL"] == f"https://{DOMAINS[env]}"
    for function, name in CONTRACT_SECRETS.items():
        fn = next(
            f for f in of_type(plan, "aws_lambda_function") if f["function_name"].endswith(f"-{function}")
        )
        variable = {
            "api": "LINK_SIGNING_KEY_SECRET_NAME",
            "worker": "LINK_SIGNING_KEY_SECRET_NAME",
            "ai": "AI_LOG_HMAC_KEY_SECRET_NAME",
        }.get(function, "SIGNING_KEY_SECRET_NAME")
        assert fn["environment"][0]["variables"][variable] == f"smartstack-{env}/{name}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_database_clients_verify_the_server_against_the_packaged_rds_cas(plans, env):
    """Every env verifies the RDS server (verify-full) against the bundle that is in the zips."""
    for fn in of_type(plans[env], "aws_lambda_function"):
        variables = fn["environment"][0]["variables"]
        if fn["function_name"].endswith(("-api", "-ai")):
            assert "DB_SSL_MODE" not in variables  # there is no unverified mode left
            bundle = variables["DB_CA_BUNDLE"].removeprefix("/var/task/")
            with zipfile.ZipFile(
                REPO / "build" / "functions" / fn["architectures"][0] / Path(fn["filename"]).name
            ) as z:
                assert z.read(bundle) == (REPO / "functions" / bundle).read_bytes()


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_role_reads_exactly_its_own_secret(plans, env):
    """GetSecretValue per role is scoped to exactly the secret its code reads (functions/README.md)."""
    account, region = (
        plans[env]["variables"]["account_id"]["value"],
        plans[env]["variables"]["region"]["value"],
    )
    policies = {
        c.address: json.loads(c.after["policy"])
        for c in creates(plans[env])
        if c.type == "aws_iam_role_policy" and "policy" in c.after
    }
    for function, name in CONTRACT_SECRETS.items():
        statements = policies[f'module.compute.aws_iam_role_policy.this["{function}"]']["Statement"]
        reads = [s for s in statements if "secretsmanager:GetSecretValue" in s["Action"]]
        assert len(reads) == 1, function
        resources = reads[0]["Resource"]
        resources = [resources] if isinstance(resources, str) else resources
        assert resources == [
            f"arn:aws:secretsmanager:{region}:{account}:secret:smartstack-{env}/{name}-??????"
        ]
    # Every reader may decrypt through Secrets Manager with the secrets key (key policy).
    key_policy = json.loads(
        next(
            k
            for k in of_type(plans[env], "aws_kms_key")
            if k["description"].endswith("Secrets Manager secrets")
        )["policy"]
    )
    readers = next(
        s for s in key_policy["Statement"] if s["Sid"] == "LambdaRolesDecryptThroughSecretsManager"
    )
    assert sorted(readers["Principal"]["AWS"]) == sorted(
        f"arn:aws:iam::{account}:role/smartstack-{env}-{function}-lambda" for function in CONTRACT_SECRETS
    )


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_alarms_notify_the_topic(plans, env):
    plan = plans[env]
    topic = one(plan, "aws_sns_topic")
    assert topic["name"].startswith(f"smartstack-{env}-")
    alarms = of_type(plan, "aws_cloudwatch_metric_alarm")
    assert alarms and all(a["alarm_name"].startswith(f"smartstack-{env}-") for a in alarms)
    names = {a["dimensions"].get("DBInstanceIdentifier") for a in alarms} - {None}
    assert names == {f"smartstack-{env}-postgres"}
    assert {a["dimensions"].get("FunctionName") for a in alarms} - {None} == {
        f"smartstack-{env}-{n}" for n in FUNCTIONS
    }


# The instance arguments hashicorp/aws 5.100 marks ForceNew that modules/data sets: changing one replaces
# the instance, so it must replace the final snapshot's name with it.
INSTANCE_REPLACING_ARGUMENTS = (
    "identifier",
    "engine",
    "db_name",
    "username",
    "kms_key_id",
    "storage_encrypted",
)


def test_the_final_snapshot_name_is_renewed_with_each_instance(plans):
    """A second teardown or a replacement never reuses a snapshot name: the name carries the id of
    terraform_data.final_snapshot_name, which every argument that replaces the instance replaces too."""
    for env, plan in plans.items():
        instance = module_resource(plan, "data", "aws_db_instance.this")["expressions"]
        assert "terraform_data.final_snapshot_name.id" in refs(instance["final_snapshot_identifier"]), env
        triggers = module_resource(plan, "data", "terraform_data.final_snapshot_name")["expressions"]
        trigger_refs = refs(triggers["triggers_replace"])
        for argument in INSTANCE_REPLACING_ARGUMENTS:
            expression = instance[argument]
            covered = refs(expression) <= trigger_refs if refs(expression) else True
            assert covered, f"{env}: {argument} replaces the instance but not its final snapshot name"
        created = [r for r in creates(plan) if r.address == "module.data.terraform_data.final_snapshot_name"]
        assert len(created) == 1, f"{env}: a new environment gets a new final snapshot name"
