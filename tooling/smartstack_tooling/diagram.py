"""Architecture diagram per environment, generated from the plan JSON (Graphviz DOT -> PNG/SVG).

Nothing is drawn from a fixed picture: every node is a resource (or group of resources) the plan creates,
placed in its tier, and every edge is evidence in the plan:

- Route 53 -> CloudFront / API Gateway: alias records in the module that holds the distribution / domain;
- CloudFront -> S3 web / API Gateway: the distribution's origins (custom origin on the API's custom
  domain; the S3 origin matched to its bucket);
- WAF -> CloudFront: a web ACL next to the distribution; API Gateway -> Lambda: `aws_lambda_permission`s
  for apigateway.amazonaws.com naming the function;
- Lambda -> RDS / S3 / SQS / SES / Secrets Manager / Parameter Store / Bedrock / another Lambda: the
  actions and resource ARNs of each function's IAM policy (plus `rds_connect` policies for IAM DB auth);
- SQS -> Lambda: an event source mapping and the consuming function's receive permission.

`make diagrams` writes build/diagrams/<env>.dot, .png and .svg (needs `dot`, Debian package graphviz).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .paths import BUILD, DOCS, PLANS, REPO
from .planview import PlannedResource, PlanView
from .profiles import ENVIRONMENTS

DIAGRAMS = BUILD / "diagrams"
GRAPHVIZ_HINT = "Graphviz's `dot` is missing: apt-get install -y graphviz (Debian) or brew install graphviz"

# Tier -> (cluster label, fill colour); the order is the drawing order.
TIERS: dict[str, tuple[str, str]] = {
    "edge": ("Edge: DNS, CDN, API", "#E8F5E9"),
    "public": ("Public subnets", "#F1F8E9"),
    "app": ("App subnets (private): Lambda", "#E3F2FD"),
    "data": ("Data subnets (private): RDS", "#E8EAF6"),
    "endpoints": ("Interface endpoints", "#F5F5F5"),
    "storage": ("Storage", "#EDE7F6"),
    "messaging": ("Messaging", "#FFF8E1"),
    "security": ("Secrets, configuration, keys", "#FBE9E7"),
    "services": ("AWS AI and email services", "#ECEFF1"),
    "observability": ("Observability", "#FCE4EC"),
}
VPC_TIERS = ("public", "app", "data", "endpoints")
COLOURS = {  # the seed's legend
    "network": "#4CAF50",
    "compute": "#146EB4",
    "db": "#336791",
    "storage": "#3F51B5",
    "external": "#999999",
    "infra": "#EC7211",
}


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    tier: str
    kind: str  # colour class from the seed's legend


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


@dataclass
class Graph:
    env: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    vpc_label: str = ""

    def add(self, node: Node) -> None:
        self.nodes[node.id] = node

    def connect(self, source: str, target: str, label: str) -> None:
        if (
            source in self.nodes
            and target in self.nodes
            and all((e.source, e.target) != (source, target) for e in self.edges)
        ):
            self.edges.append(Edge(source, target, label))


def _statements(policy: Any) -> list[dict[str, Any]]:
    if not isinstance(policy, str):
        return []
    try:
        statements = json.loads(policy).get("Statement", [])
    except ValueError:
        return []
    return statements if isinstance(statements, list) else [statements]


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def build(plan: dict[str, Any], env: str = "") -> Graph:
    """The graph of one plan: nodes from resources present, edges from evidence in the plan."""
    g = Graph(env)
    of = PlanView(plan).of_type

    # ---- nodes -------------------------------------------------------------------------------------
    g.add(Node("internet", "Internet", "", "external"))
    zones = of("aws_route53_zone")
    if zones:
        g.add(Node("route53", f"Route 53\\n{zones[0].after.get('name') or 'hosted zone'}", "edge", "network"))
    dists = of("aws_cloudfront_distribution")
    if dists:
        g.add(Node("cloudfront", "CloudFront\\nCDN, OAC, security headers", "edge", "network"))
    all_acls = of("aws_wafv2_web_acl")
    acls = [a for a in all_acls if a.after.get("scope") != "REGIONAL"]
    regional_acls = [a for a in all_acls if a.after.get("scope") == "REGIONAL"]
    if acls:
        rules = sum(len(a.after.get("rule") or []) for a in acls)
        g.add(Node("waf", f"WAF web ACL\\n{rules} rule(s)", "edge", "network"))
    if regional_acls and of("aws_wafv2_web_acl_association"):
        rules = sum(len(a.after.get("rule") or []) for a in regional_acls)
        g.add(Node("waf_api", f"WAF web ACL (regional)\\n{rules} rule(s)", "edge", "network"))
    apis = of("aws_api_gateway_rest_api")
    api_domains = [d.after.get("domain_name") for d in of("aws_api_gateway_domain_name")]
    if apis:
        label = "API Gateway (REST)" + (f"\\n{api_domains[0]}" if api_domains and api_domains[0] else "")
        g.add(Node("apigw", label, "edge", "network"))

    vpcs = of("aws_vpc")
    if vpcs:
        g.vpc_label = f"VPC {vpcs[0].after.get('cidr_block') or ''}".strip()
    if of("aws_internet_gateway"):
        g.add(Node("igw", "Internet gateway", "public", "network"))
    nats = of("aws_nat_gateway")
    if nats:
        mode = "one per AZ" if len(nats) > 1 else "single, shared"
        g.add(Node("nat", f"NAT gateway x{len(nats)}\\n({mode})", "public", "network"))

    # One node per deployed application: functions that run the same zip (the API application's HTTP
    # function and its queue consumer) are one container of the diagram.
    functions: dict[str, str] = {}  # function name -> node id
    function_nodes: dict[str, str] = {}  # function key (for_each key) -> node id
    members: dict[str, list[str]] = {}
    for fn in of("aws_lambda_function"):
        after = fn.after
        key = str(fn.index or fn.name)
        package = Path(after["filename"]).stem if isinstance(after.get("filename"), str) else key
        node_id = f"lambda_{package}".replace("-", "_")
        functions[after.get("function_name") or key] = node_id
        function_nodes[key] = node_id
        members.setdefault(node_id, []).append(key)
        arch = ",".join(after.get("architectures") or [])
        detail = ", ".join(
            x for x in (arch, f"{after['memory_size']} MB" if after.get("memory_size") else "") if x
        )
        label = " + ".join(members[node_id])
        g.add(
            Node(
                node_id,
                f"Lambda {label}\\n{detail}" if detail else f"Lambda {label}",
                "app" if after.get("vpc_config") else "",
                "compute",
            )
        )

    for db in of("aws_db_instance"):
        after = db.after
        engine = {"postgres": "PostgreSQL"}.get(after.get("engine") or "", after.get("engine") or "")
        az = "Multi-AZ" if after.get("multi_az") else "Single-AZ"
        g.add(Node("rds", f"RDS {engine}\\n{after.get('instance_class') or ''} {az}".strip(), "data", "db"))

    interface = [e for e in of("aws_vpc_endpoint") if e.after.get("vpc_endpoint_type") == "Interface"]
    if interface:
        services = sorted(str(e.after.get("service_name") or "").rsplit(".", 1)[-1] for e in interface)
        lines = "\\n".join(", ".join(services[i : i + 4]) for i in range(0, len(services), 4))
        g.add(Node("endpoints", f"{len(interface)} interface endpoints\\n{lines}", "endpoints", "network"))
    if any(e.after.get("vpc_endpoint_type") == "Gateway" for e in of("aws_vpc_endpoint")):
        g.add(Node("s3_gateway", "S3 gateway endpoint", "endpoints", "network"))

    buckets: dict[str, str] = {}  # bucket name -> node id
    for bucket in of("aws_s3_bucket"):
        key = bucket.name if bucket.index is None else str(bucket.index)
        node_id = f"s3_{key}".replace("-", "_")
        buckets[bucket.after.get("bucket") or key] = node_id
        purpose = {
            "web": "static site (Next.js)",
            "files": "attachments, AI logs",
            "logs": "access logs",
        }.get(key, "")
        g.add(Node(node_id, f"S3 {key}\\n{purpose}".strip(), "storage", "storage"))

    queues: dict[str, str] = {}
    for queue in of("aws_sqs_queue"):
        name = queue.after.get("name") or queue.name
        node_id = f"sqs_{queue.name}"
        queues[name] = node_id
        g.add(
            Node(
                node_id,
                f"SQS {name.removeprefix(f'smartstack-{env}-') if env else name}",
                "messaging",
                "network",
            )
        )

    if of("aws_secretsmanager_secret") or any(
        d.after.get("manage_master_user_password") for d in of("aws_db_instance")
    ):
        g.add(Node("secrets", "Secrets Manager", "security", "external"))
    params = of("aws_ssm_parameter")
    if params:
        g.add(Node("ssm", f"Parameter Store\\n{len(params)} parameters", "security", "external"))
    keys = of("aws_kms_key")
    if keys:
        g.add(Node("kms", f"KMS keys x{len(keys)}", "security", "external"))

    if of("aws_sesv2_email_identity"):
        g.add(Node("ses", "Amazon SES", "services", "external"))
    policies = [(p, _statements(p.after.get("policy"))) for p in of("aws_iam_role_policy")]
    if any(a.startswith("bedrock:") for _, sts in policies for s in sts for a in _as_list(s.get("Action"))):
        g.add(Node("bedrock", "Amazon Bedrock", "services", "external"))

    alarms = of("aws_cloudwatch_metric_alarm")
    if alarms:
        g.add(Node("alarms", f"CloudWatch alarms x{len(alarms)}", "observability", "infra"))
    if of("aws_sns_topic"):
        g.add(Node("sns", "SNS alarm topic", "observability", "infra"))
    logs = of("aws_cloudwatch_log_group")
    if logs:
        g.add(Node("logs", f"CloudWatch log groups x{len(logs)}", "observability", "infra"))

    # ---- edges from evidence ----------------------------------------------------------------------
    g.connect("internet", "route53", "HTTPS (DNS)")
    dist_modules = {d.module for d in dists}
    api_modules = {d.module for d in of("aws_api_gateway_domain_name")}
    for record in of("aws_route53_record"):
        if record.after.get("alias"):
            if record.module in dist_modules:
                g.connect("route53", "cloudfront", "alias")
            if record.module in api_modules:
                g.connect("route53", "apigw", "alias api.")
    for dist in dists:
        for origin in dist.after.get("origin") or []:
            if origin.get("custom_origin_config"):
                if origin.get("domain_name") in api_domains or "api" in str(origin.get("origin_id")):
                    g.connect("cloudfront", "apigw", "/api/*")
            else:
                origin_id = str(origin.get("origin_id") or "")
                for name, node_id in buckets.items():
                    by_domain = str(origin.get("domain_name") or "").startswith(f"{name}.")
                    if by_domain or node_id.removeprefix("s3_") in origin_id.replace("-", "_").split("_"):
                        g.connect("cloudfront", node_id, "static content (OAC)")
        if acls:
            g.connect("waf", "cloudfront", "protects")
        if dist.after.get("logging_config") or of("aws_cloudwatch_log_delivery"):
            g.connect(
                "cloudfront", buckets.get(next((n for n in buckets if "-logs-" in n), ""), ""), "access logs"
            )
    if regional_acls and of("aws_wafv2_web_acl_association"):
        g.connect("waf_api", "apigw", "protects (stage)")
    for permission in of("aws_lambda_permission"):
        after = permission.after
        if after.get("principal") == "apigateway.amazonaws.com" and after.get("function_name") in functions:
            target = functions[after["function_name"]]
            g.connect("apigw", target, "authorizes" if "authorizer" in target else "invokes")

    consumers: set[str] = set()
    fn_modules = {fn.module for fn in of("aws_lambda_function")}
    for policy, statements in policies:
        fn_id = _policy_function(policy, function_nodes, fn_modules)
        if not fn_id:
            continue
        if policy.after.get("name") == "rds-iam-connect" or "rds_connect" in policy.address:
            g.connect(fn_id, "rds", "queries (IAM auth)")
        for s in statements:
            actions = _as_list(s.get("Action"))
            resources = " ".join(_as_list(s.get("Resource")))
            prefixes = {a.split(":")[0] for a in actions}
            if "rds-db" in prefixes:
                g.connect(fn_id, "rds", "queries (IAM auth)")
            if "s3" in prefixes:
                for name, node_id in buckets.items():
                    if f":::{name}" in resources:
                        g.connect(fn_id, node_id, "read/write")
            if "sqs" in prefixes:
                for name, node_id in queues.items():
                    if resources.endswith(f":{name}") or f":{name} " in resources:
                        if "sqs:ReceiveMessage" in actions:
                            consumers.add(fn_id)
                        elif "sqs:SendMessage" in actions:
                            g.connect(fn_id, node_id, "on failure" if "dlq" in name else "sends messages")
            if "ses" in prefixes:
                g.connect(fn_id, "ses", "sends email")
            if "bedrock" in prefixes:
                g.connect(fn_id, "bedrock", "calls model")
            if "secretsmanager" in prefixes:
                g.connect(fn_id, "secrets", "retrieves")
            if "ssm" in prefixes:
                g.connect(fn_id, "ssm", "retrieves")
            if "lambda" in prefixes:
                for name, node_id in functions.items():
                    if f":function:{name}" in resources and node_id != fn_id:
                        g.connect(fn_id, node_id, "invokes")
    if of("aws_lambda_event_source_mapping"):
        main_queues = [q for n, q in queues.items() if "dlq" not in n]
        for queue_id in main_queues:
            for fn_id in sorted(consumers):
                g.connect(queue_id, fn_id, "triggers")
    for queue in of("aws_sqs_queue"):
        name = queue.after.get("name") or ""
        redrive = queue.after.get("redrive_policy")
        if isinstance(redrive, str) and "deadLetterTargetArn" in redrive:
            g.connect(
                queues.get(name, ""),
                queues.get(json.loads(redrive)["deadLetterTargetArn"].rsplit(":", 1)[-1], ""),
                "redrive",
            )
        elif queue.after_unknown.get("redrive_policy"):
            g.connect(queues.get(name, ""), queues.get(f"{name}-dlq", ""), "redrive")  # the modules' naming
    if any(d.after.get("manage_master_user_password") for d in of("aws_db_instance")):
        g.connect("rds", "secrets", "master secret")
    _connect_schema_owners(g, of, functions)
    if nats:
        for fn_id in functions.values():
            if g.nodes[fn_id].tier == "app":
                g.connect(fn_id, "nat", "egress")
                break
        g.connect("nat", "igw", "")
    if interface:
        for fn_id in functions.values():
            if g.nodes[fn_id].tier == "app":
                g.connect(fn_id, "endpoints", "AWS APIs")
                break
    g.connect("alarms", "sns", "notifies")
    return g


def _connect_schema_owners(g: Graph, of: Any, functions: dict[str, str]) -> None:
    """A function that logs in as the master user with its secret runs the migrations (its secret
    policy names the master secret's ARN, unknown at plan: its settings say who it connects as)."""
    owners = {d.after.get("username") for d in of("aws_db_instance")}
    for fn in of("aws_lambda_function"):
        variables = ((fn.after.get("environment") or [{}])[0] or {}).get("variables") or {}
        if variables.get("DB_AUTH_MODE") == "secret" and variables.get("DB_USER") in owners:
            node_id = functions[fn.after.get("function_name") or str(fn.index or fn.name)]
            g.connect(node_id, "rds", "migrates (schema owner)")
            g.connect(node_id, "secrets", "reads master secret")


def _policy_function(
    policy: PlannedResource, function_nodes: dict[str, str], modules: set[str]
) -> str | None:
    """The Lambda node a role policy belongs to: compute policies are keyed like the functions."""
    key = policy.index
    if key is None or policy.module not in modules:
        return None
    return function_nodes.get(str(key))


def to_dot(g: Graph) -> str:
    out = [
        f'digraph "smartstack_{g.env or "plan"}" {{',
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=12, compound=true, nodesep=0.3, '
        f'ranksep=1.1, splines=spline, label="SmartStack {g.env} (generated from the plan)", labelloc=t];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, fontcolor=white];',
        '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
    ]

    def node_line(n: Node, indent: str) -> str:
        colour = COLOURS[n.kind]
        return f'{indent}"{n.id}" [label="{n.label}", fillcolor="{colour}", color="{colour}"];'

    for n in g.nodes.values():
        if not n.tier:
            out.append(node_line(n, "  "))
    region = [t for t in TIERS if t not in VPC_TIERS]

    def cluster(tier: str, indent: str) -> list[str]:
        members = [n for n in g.nodes.values() if n.tier == tier]
        if not members:
            return []
        label, fill = TIERS[tier]
        lines = [
            f'{indent}subgraph "cluster_{tier}" {{',
            f'{indent}  label="{label}"; style="rounded,filled"; fillcolor="{fill}"; color="#9E9E9E";',
        ]
        lines += [node_line(n, indent + "  ") for n in members]
        return [*lines, f"{indent}}}"]

    out.append('  subgraph "cluster_region" {')
    out.append('    label="AWS region"; style="rounded"; color="#FF9900";')
    for tier in region[:1]:
        out += cluster(tier, "    ")
    if any(n.tier in VPC_TIERS for n in g.nodes.values()):
        out.append('    subgraph "cluster_vpc" {')
        out.append(f'      label="{g.vpc_label or "VPC"}"; style="rounded,dashed"; color="#4CAF50";')
        for tier in VPC_TIERS:
            out += cluster(tier, "      ")
        out.append("    }")
    for tier in region[1:]:
        out += cluster(tier, "    ")
    out.append("  }")
    for e in g.edges:
        label = f' [label="{e.label}"]' if e.label else ""
        out.append(f'  "{e.source}" -> "{e.target}"{label};')
    out.append("}")
    return "\n".join(out) + "\n"


def render(dot_text: str, target: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError(GRAPHVIZ_HINT)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = target.with_suffix(f".{fmt}")
        extra = ["-Gdpi=110"] if fmt == "png" else []
        subprocess.run([dot, f"-T{fmt}", *extra, "-o", str(path)], input=dot_text, text=True, check=True)
        written.append(path)
    return written


def generate(plan: dict[str, Any], env: str, out_dir: Path = DIAGRAMS) -> list[Path]:
    text = to_dot(build(plan, env))
    out_dir.mkdir(parents=True, exist_ok=True)
    dot_path = out_dir / f"{env}.dot"
    dot_path.write_text(text)
    return [dot_path, *render(text, dot_path)]


def main(argv: list[str]) -> int:
    """`make diagrams`: draw build/plans/<env>.json (planned by `make plan`) into build/diagrams/."""
    for env in argv or list(ENVIRONMENTS):
        path = PLANS / f"{env}.json"
        if not path.exists():
            print(f"{path.relative_to(REPO)} is missing: run `make plan` first", file=sys.stderr)
            return 1
        try:
            written = generate(json.loads(path.read_text()), env)
        except RuntimeError as err:
            print(err, file=sys.stderr)
            return 1
        print(f"== {env}: " + ", ".join(str(p.relative_to(REPO)) for p in written))
        if env == "prod":  # the README embeds the committed prod diagram
            for path in written:
                shutil.copyfile(path, DOCS / f"architecture-prod{path.suffix}")
            print(f"   copied to {DOCS.relative_to(REPO)}/architecture-prod.{{dot,png,svg}} (commit them)")
    return 0
